using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using Xunit;

namespace MlvFabric.HelpBuilder.Tests;

/// <summary>
/// The PowerShell engine's own help system reads what the builder writes: a script module whose function points at
/// the generated MAML (.ExternalHelp) and ships the generated about topic, imported into a fresh runspace.
/// </summary>
public sealed class GetHelpTests : IDisposable
{
    private readonly string _root = Samples.NewFolder();
    private readonly Runspace _runspace;

    public GetHelpTests()
    {
        var module = Path.Combine(_root, "Widgets");
        var docs = Path.Combine(_root, "docs");
        Directory.CreateDirectory(module);
        Directory.CreateDirectory(docs);
        File.WriteAllText(Path.Combine(docs, "Set-Widget.md"), Samples.SetWidget);
        File.WriteAllText(Path.Combine(docs, "about_Widgets.md"), Samples.AboutWidgets);
        var result = HelpBuilder.Build(docs, Path.Combine(module, "en-US"));
        Assert.True(result.Succeeded, string.Join("\n", result.Errors.Select(e => e.Describe())));

        // The function's parameters match the help, as a real cmdlet's would.
        File.WriteAllText(Path.Combine(module, "Widgets.psm1"), """
            function Set-Widget {
                # .ExternalHelp Widgets.dll-Help.xml
                [CmdletBinding(DefaultParameterSetName = 'ByName', SupportsShouldProcess)]
                param(
                    [Parameter(ParameterSetName = 'ByName', Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
                    [Alias('WidgetName', 'N')]
                    [SupportsWildcards()]
                    [string[]] $Name,
                    [Parameter(ParameterSetName = 'ById', Mandatory, ValueFromPipelineByPropertyName)]
                    [guid] $Id,
                    [Parameter(ParameterSetName = 'ByName')]
                    [Parameter(ParameterSetName = 'ById', Mandatory)]
                    [int] $Size = 1,
                    [switch] $Force
                )
            }
            """);

        _runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        _runspace.Open();
        Run($"Import-Module '{module}' -ErrorAction Stop");
    }

    public void Dispose()
    {
        _runspace.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private List<PSObject> Run(string script)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        var output = ps.Invoke().ToList();
        Assert.False(ps.HadErrors, string.Join("\n", ps.Streams.Error.Select(e => e.ToString())));
        return output;
    }

    private static string Text(object? paras) =>
        string.Join("\n", LanguagePrimitives.GetEnumerable(paras)?.Cast<object>().Select(p => PSObject.AsPSObject(p).Properties["Text"]?.Value?.ToString()) ?? Array.Empty<string>()).Replace("\r\n", "\n");

    private static object? Get(PSObject o, params string[] path)
    {
        object? current = o;
        foreach (var name in path)
        {
            current = PSObject.AsPSObject(current!).Properties[name]?.Value;
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    [Fact]
    public void FullHelpShowsSynopsisDescriptionAndExamples()
    {
        var help = Assert.Single(Run("Get-Help Set-Widget -Full"));

        Assert.Equal("Changes a widget.", help.Properties["Synopsis"].Value?.ToString()?.Trim());
        Assert.StartsWith("The Set-Widget cmdlet changes widgets that already exist.", Text(Get(help, "description")));
        var examples = LanguagePrimitives.GetEnumerable(Get(help, "examples", "example"))!.Cast<object>().ToArray();
        Assert.Equal(2, examples.Length);
        Assert.Contains("Example 1: Resize a widget", Get(PSObject.AsPSObject(examples[0]), "title")!.ToString());
        Assert.StartsWith("Set-Widget -Name 'Blue*' -Size 3", Get(PSObject.AsPSObject(examples[0]), "code")!.ToString());
        Assert.Contains("starts with Blue", Text(Get(PSObject.AsPSObject(examples[0]), "remarks")));
        Assert.Equal("Needs the Widgets service.", Text(Get(help, "alertSet", "alert")).Trim());
    }

    [Fact]
    public void ParameterHelpShowsTheDocumentedAttributes()
    {
        var name = Assert.Single(Run("Get-Help Set-Widget -Parameter Name"));

        Assert.Equal("true", Get(name, "required")!.ToString());
        Assert.Equal("0", Get(name, "position")!.ToString());
        Assert.Equal("True (ByValue, ByPropertyName)", Get(name, "pipelineInput")!.ToString());
        Assert.Equal("true", Get(name, "globbing")!.ToString());
        Assert.Equal("WidgetName, N", Get(name, "aliases")!.ToString());
        Assert.Equal("String[]", Get(name, "type", "name")!.ToString());
        Assert.Equal("Names of the widgets. Wildcards are allowed.", Text(Get(name, "description")).Trim());
    }

    [Fact]
    public void SyntaxHasOneItemPerParameterSet()
    {
        var help = Assert.Single(Run("Get-Help Set-Widget -Full"));
        var items = LanguagePrimitives.GetEnumerable(Get(help, "syntax", "syntaxItem"))!.Cast<object>().ToArray();

        Assert.Equal(2, items.Length);
        var firstSet = LanguagePrimitives.GetEnumerable(Get(PSObject.AsPSObject(items[0]), "parameter"))!.Cast<object>()
            .Select(p => Get(PSObject.AsPSObject(p), "name")!.ToString()!).ToArray();
        Assert.Equal(new[] { "Name", "Size", "Force", "Confirm", "WhatIf" }, firstSet);
    }

    [Fact]
    public void ExamplesViewListsEveryExample()
    {
        var help = Assert.Single(Run("Get-Help Set-Widget -Examples"));
        var examples = LanguagePrimitives.GetEnumerable(Get(help, "examples", "example"))!.Cast<object>().ToArray();

        Assert.Equal(new[] { "Set-Widget -Name 'Blue*' -Size 3", "Get-Widget -Id 5 |" },
            examples.Select(e => Get(PSObject.AsPSObject(e), "code")!.ToString()!.Replace("\r\n", "\n").Split('\n')[0]));
    }

    [Fact]
    public void RelatedLinksIncludeTheOnlineVersion()
    {
        var help = Assert.Single(Run("Get-Help Set-Widget -Full"));
        var links = LanguagePrimitives.GetEnumerable(Get(help, "relatedLinks", "navigationLink"))!.Cast<object>()
            .Select(l => Get(PSObject.AsPSObject(l), "linkText")!.ToString()!).ToArray();

        Assert.Equal(new[] { "Online Version:", "Get-Widget", "Online docs" }, links);
    }

    [Fact]
    public void AboutTopicIsFoundByName()
    {
        var text = string.Join("\n", Run("Get-Help about_Widgets").Select(o => o.ToString()));

        Assert.StartsWith("TOPIC", text.TrimStart('\uFEFF'));
        Assert.Contains("about_widgets", text);
        Assert.Contains("SHORT DESCRIPTION", text);
    }
}
