using System;
using Xunit;

namespace MlvFabric.HelpBuilder.Tests;

/// <summary>Every problem is reported with the file and the line to fix.</summary>
public sealed class MalformedInputTests
{
    private static HelpBuildException Fails(string markdown, string path = "docs/Set-Widget.md") =>
        Assert.Throws<HelpBuildException>(() => CommandHelpParser.Parse(path, markdown));

    private static int LineOf(string markdown, string text)
    {
        var lines = markdown.Replace("\r\n", "\n").Split('\n');
        var index = Array.FindIndex(lines, l => l.Trim() == text.Trim());
        if (index < 0)
        {
            index = Array.FindIndex(lines, l => l.Contains(text, StringComparison.Ordinal));
        }

        Assert.True(index >= 0, $"'{text}' is not in the sample");
        return index + 1;
    }

    private static void AssertAt(HelpBuildException ex, string markdown, string lineText, string messagePart)
    {
        Assert.Equal("docs/Set-Widget.md", ex.FilePath);
        Assert.Equal(LineOf(markdown, lineText), ex.Line);
        Assert.Contains(messagePart, ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith($"docs/Set-Widget.md:{ex.Line}: error: ", ex.Describe());
    }

    [Fact]
    public void MissingFrontMatter()
    {
        var md = Samples.SetWidget.Substring(Samples.SetWidget.IndexOf("# Set-Widget", StringComparison.Ordinal));
        var ex = Fails(md);
        Assert.Equal(1, ex.Line);
        Assert.Contains("front matter", ex.Message);
    }

    [Fact]
    public void FrontMatterWithoutExternalHelpFile()
    {
        var ex = Fails(Samples.SetWidget.Replace("external help file: Widgets.dll-Help.xml\n", ""));
        Assert.Contains("external help file", ex.Message);
    }

    [Fact]
    public void UnclosedFrontMatter()
    {
        var ex = Fails("---\nexternal help file: W.dll-Help.xml\n\n# Set-Widget\n");
        Assert.Equal(1, ex.Line);
        Assert.Contains("never closed", ex.Message);
    }

    [Fact]
    public void HeadingThatDoesNotMatchTheFileName()
    {
        var ex = Fails(Samples.SetWidget, "docs/Get-Widget.md");
        Assert.Equal(LineOf(Samples.SetWidget, "# Set-Widget"), ex.Line);
        Assert.Contains("Get-Widget.md", ex.Message);
    }

    [Fact]
    public void UnknownSection()
    {
        var md = Samples.SetWidget.Replace("## NOTES", "## REMARKS");
        AssertAt(Fails(md), md, "## REMARKS", "unknown section");
    }

    [Fact]
    public void DuplicateSection()
    {
        var md = Samples.SetWidget + "\n## NOTES\nAgain.\n";
        var ex = Fails(md);
        Assert.Contains("appears twice", ex.Message);
        Assert.Equal(md.Replace("\r\n", "\n").Split('\n').Length - 2, ex.Line);
    }

    [Fact]
    public void EmptySynopsis()
    {
        var md = Samples.SetWidget.Replace("Changes a widget.\n", "");
        AssertAt(Fails(md), md, "## SYNOPSIS", "SYNOPSIS is empty");
    }

    [Fact]
    public void UnknownYamlKey()
    {
        var md = Samples.SetWidget.Replace("Aliases: WidgetName, N", "Alias: WidgetName, N");
        AssertAt(Fails(md), md, "Alias: WidgetName", "unknown yaml key 'Alias'");
    }

    [Fact]
    public void MissingYamlKey()
    {
        var md = Samples.SetWidget.Replace("Accept wildcard characters: True\n", "");
        var ex = Fails(md);
        Assert.Contains("-Name", ex.Message);
        Assert.Contains("Accept wildcard characters", ex.Message);
    }

    [Fact]
    public void BadPipelineInputValue()
    {
        var md = Samples.SetWidget.Replace("Accept pipeline input: True (ByValue, ByPropertyName)", "Accept pipeline input: Yes");
        AssertAt(Fails(md), md, "Accept pipeline input: Yes", "True (ByValue)");
    }

    [Fact]
    public void PipelineInputTrueWithoutHow()
    {
        var md = Samples.SetWidget.Replace("Accept pipeline input: True (ByPropertyName)", "Accept pipeline input: True");
        AssertAt(Fails(md), md, "Accept pipeline input: True", "must say how");
    }

    [Fact]
    public void BadRequiredValue()
    {
        var md = Samples.SetWidget.Replace("Required: True\nPosition: 0", "Required: Sometimes\nPosition: 0");
        AssertAt(Fails(md), md, "Required: Sometimes", "True or False");
    }

    [Fact]
    public void BadPosition()
    {
        var md = Samples.SetWidget.Replace("Position: 0", "Position: first");
        AssertAt(Fails(md), md, "Position: first", "Named or a number");
    }

    [Fact]
    public void ParameterSetNotInSyntax()
    {
        var md = Samples.SetWidget.Replace("Parameter Sets: ById\nAliases:\n\nRequired: True\nPosition: Named\nDefault value: None", "Parameter Sets: ByKey\nAliases:\n\nRequired: True\nPosition: Named\nDefault value: None");
        var ex = Fails(md);
        Assert.Contains("'ByKey' is not in ## SYNTAX", ex.Message);
        Assert.Equal(LineOf(md, "Parameter Sets: ByKey") - 2, ex.Line);
    }

    [Fact]
    public void ParameterWithoutYaml()
    {
        var md = Samples.SetWidget.Replace("### CommonParameters", "### -Extra\nNo yaml here.\n\n### CommonParameters");
        AssertAt(Fails(md), md, "### -Extra", "no ```yaml block");
    }

    [Fact]
    public void ParameterHeadingWithoutDash()
    {
        var md = Samples.SetWidget.Replace("### -Force", "### Force");
        AssertAt(Fails(md), md, "### Force", "'### -Name'");
    }

    [Fact]
    public void DuplicateParameter()
    {
        var md = Samples.SetWidget.Replace("### -Force", "### -Size");
        var ex = Fails(md);
        Assert.Contains("-Size is documented twice", ex.Message);
    }

    [Fact]
    public void TextAfterYaml()
    {
        var md = Samples.SetWidget.Replace("### -Force", "Stray text.\n\n### -Force");
        AssertAt(Fails(md), md, "Stray text.", "text after the ```yaml block");
    }

    [Fact]
    public void UnclosedCodeFence()
    {
        var md = Samples.SetWidget + "\n```powershell\nGet-Widget\n";
        var ex = Fails(md);
        Assert.Contains("never closed", ex.Message);
        Assert.Equal(md.Replace("\r\n", "\n").Split('\n').Length - 2, ex.Line);
    }

    [Fact]
    public void ExampleWithoutCode()
    {
        var md = Samples.SetWidget.Replace("### Example 2: From the pipeline\nWidgets can come from Get-Widget.\n\n```powershell\nGet-Widget -Id 5 |\n    Set-Widget -Size 1\n```", "### Example 2: From the pipeline\nNo code.");
        AssertAt(Fails(md), md, "### Example 2", "has no code block");
    }

    [Fact]
    public void ExampleWithOnlyOutput()
    {
        var md = Samples.SetWidget.Replace("```powershell\nGet-Widget -Id 5 |\n    Set-Widget -Size 1\n```", "```output\nnothing\n```");
        var ex = Fails(md);
        Assert.Equal(LineOf(md, "nothing") - 1, ex.Line);
        Assert.Contains("no PowerShell code block", ex.Message);
    }

    [Fact]
    public void RelatedLinkThatIsNotALink()
    {
        var md = Samples.SetWidget.Replace("[Get-Widget](Get-Widget.md)", "Get-Widget");
        var ex = Fails(md);
        Assert.Equal(LineOf(md, "## RELATED LINKS") + 2, ex.Line);
        Assert.Contains("not a '[text](uri)' link", ex.Message);
    }

    [Fact]
    public void SyntaxHeadingWithoutCode()
    {
        var md = Samples.SetWidget.Replace("### ById\n```\nSet-Widget -Id <Guid> [-Size <Int32>] [-Force] [-WhatIf] [-Confirm] [<CommonParameters>]\n```", "### ById");
        AssertAt(Fails(md), md, "### ById", "no code block");
    }

    [Fact]
    public void NamedParameterSetWithUnnamedSyntax()
    {
        var md = """
            ---
            external help file: Widgets.dll-Help.xml
            ---

            # Get-Widget

            ## SYNOPSIS
            Gets widgets.

            ## SYNTAX

            ```
            Get-Widget [-All]
            ```

            ## PARAMETERS

            ### -All
            ```yaml
            Type: SwitchParameter
            Parameter Sets: Everything
            Aliases:
            Required: False
            Position: Named
            Default value: None
            Accept pipeline input: False
            Accept wildcard characters: False
            ```
            """;
        var ex = Assert.Throws<HelpBuildException>(() => CommandHelpParser.Parse("docs/Get-Widget.md", md));
        Assert.Contains("single unnamed set", ex.Message);
        Assert.Equal(LineOf(md, "```yaml"), ex.Line);
    }

    [Fact]
    public void SetextHeading()
    {
        var md = Samples.SetWidget.Replace("## NOTES\nNeeds the Widgets service.", "## NOTES\nNeeds the Widgets service.\n---");
        var ex = Fails(md);
        Assert.Equal(LineOf(md, "Needs the Widgets service.") + 1, ex.Line);
        Assert.Contains("setext", ex.Message);
    }
}
