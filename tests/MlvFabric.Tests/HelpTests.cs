using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;
using MlvFabric.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace MlvFabric.Tests;

/// <summary>
/// Keeps docs/ honest about the built module: every exported cmdlet has docs/&lt;Name&gt;.md; Get-Help shows its
/// synopsis and examples (so the MAML made by the build is found); the documented parameters match the real ones
/// (names, types, mandatory per set, position, pipeline binding, wildcards, aliases) both ways; every example
/// parses; and the examples that need only the module and the emulator run against the emulator and succeed
/// (the convention is in CONTRIBUTING.md, "Help").
/// </summary>
public sealed class HelpTests : IClassFixture<EmulatorFixture>
{
    private static readonly Lazy<string[]> Exported = new(ListExportedCmdlets);

    private readonly EmulatorFixture _fixture;
    private readonly ITestOutputHelper _output;

    public HelpTests(EmulatorFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    private static string DocsDirectory => Path.Combine(ModuleLocator.RepoRoot, "docs");

    /// <summary>Fails a per-cmdlet case that stands for a module that did not load (see <see cref="ExportedCmdlets"/>).</summary>
    private static void RequireCmdlet(string cmdlet) =>
        Assert.False(cmdlet.StartsWith('('), "The built module did not load, so its cmdlets can't be checked: " + cmdlet);

    /// <summary>One case per cmdlet the built module exports (Get-Command -Module MlvFabric).</summary>
    public static IEnumerable<object[]> ExportedCmdlets()
    {
        string[] names;
        try
        {
            names = Exported.Value;
        }
        catch (Exception ex)
        {
            // Still one case, which fails with the reason, rather than a theory that silently has no cases.
            return new[] { new object[] { "(module did not load: " + ex.Message.Split('\n')[0].Trim() + ")" } };
        }

        return names.Select(n => new object[] { n });
    }

    private static string[] ListExportedCmdlets()
    {
        using var ps = PsSession.Create();
        var result = ps.Run("Get-Command -Module MlvFabric -CommandType Cmdlet | ForEach-Object Name");
        result.ThrowIfFailed();
        var names = result.Output.Select(o => o.ToString()).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToArray();
        if (names.Length == 0)
        {
            throw new InvalidOperationException("Get-Command -Module MlvFabric found no cmdlets in the built module.");
        }

        return names;
    }

    [Fact]
    public void EveryExportedCmdletHasAHelpFileAndEveryHelpFileAnExportedCmdlet()
    {
        var exported = Exported.Value;
        var problems = new List<string>();
        foreach (var name in exported)
        {
            if (!File.Exists(Path.Combine(DocsDirectory, name + ".md")))
            {
                problems.Add($"{name} is exported but has no help file: write docs/{name}.md (platyPS format; see CONTRIBUTING.md, Help).");
            }
        }

        // A doc may precede its cmdlet if the manifest lists it (work in progress); otherwise it is an orphan or a typo.
        var manifest = ManifestData.Read(ModuleLocator.ManifestPath);
        var listed = new HashSet<string>(((object[])manifest["CmdletsToExport"]!).Select(o => o.ToString()!), StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.GetFiles(DocsDirectory, "*.md"))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (name.StartsWith("about_", StringComparison.OrdinalIgnoreCase) || HelpDoc.IsModulePage(file))
            {
                continue;
            }

            if (!exported.Contains(name, StringComparer.OrdinalIgnoreCase) && !listed.Contains(name))
            {
                problems.Add($"docs/{name}.md documents a command that the module neither exports nor lists in CmdletsToExport.");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void GetHelpShowsTheSynopsisAndEveryExampleOfTheHelpFile(string cmdlet)
    {
        RequireCmdlet(cmdlet);
        var doc = HelpDoc.Load(cmdlet);
        using var ps = PsSession.Create();

        var info = ps.Run($"Get-Command -Name '{cmdlet}' -Module MlvFabric");
        info.ThrowIfFailed();
        var command = (CmdletInfo)Assert.Single(info.Output).BaseObject;
        Assert.True(string.Equals(doc.ExternalHelpFile, command.HelpFile, StringComparison.OrdinalIgnoreCase),
            $"{doc.DisplayPath}: 'external help file: {doc.ExternalHelpFile}' must name the cmdlet's help file, {command.HelpFile}, or Get-Help won't find it.");

        var result = ps.Run($"Get-Help -Name '{cmdlet}' -Full");
        result.ThrowIfFailed();
        var help = Assert.Single(result.Output);

        var synopsis = Plain(help.Properties["Synopsis"]?.Value?.ToString());
        Assert.True(synopsis == Plain(doc.Synopsis),
            $"{doc.DisplayPath}:{doc.SynopsisLine}: Get-Help {cmdlet} shows the synopsis '{synopsis}', not the file's '{Plain(doc.Synopsis)}'. " +
            "Is the module's en-US help built (dotnet build src/MlvFabric)?");

        var examples = Items(help, "examples", "example");
        Assert.True(doc.Examples.Count == examples.Count,
            $"{doc.DisplayPath}: the file has {doc.Examples.Count} example(s), Get-Help {cmdlet} shows {examples.Count}.");
        for (var i = 0; i < doc.Examples.Count; i++)
        {
            var expected = doc.Examples[i];
            var title = examples[i].Properties["title"]?.Value?.ToString() ?? "";
            var code = Normalize(examples[i].Properties["code"]?.Value?.ToString());
            Assert.True(Plain(title).Contains(Plain(expected.Title), StringComparison.Ordinal),
                $"{doc.DisplayPath}:{expected.Line}: Get-Help shows example {i + 1} as '{title.Trim()}', not '{expected.Title}'.");
            Assert.True(expected.PowerShellBlocks.All(b => code.Contains(Normalize(b.Text), StringComparison.Ordinal)),
                $"{doc.DisplayPath}:{expected.Line}: Get-Help shows example {i + 1}'s code as:\n{code}");
        }

        // And what a user actually reads: every example's title and code in the printed -Examples view.
        var printed = PrintedHelp(cmdlet, "-Examples");
        foreach (var example in doc.Examples)
        {
            Assert.True(printed.Contains(Plain(example.Title), StringComparison.Ordinal),
                $"{doc.DisplayPath}:{example.Line}: 'Get-Help {cmdlet} -Examples' does not print '{example.Title}'.");
            foreach (var line in example.PowerShellBlocks.SelectMany(b => b.Lines).Select(l => l.Trim()).Where(l => l.Length > 0))
            {
                Assert.True(printed.Contains(line, StringComparison.Ordinal),
                    $"{doc.DisplayPath}:{example.Line}: 'Get-Help {cmdlet} -Examples' does not print the line '{line}'.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void DocumentedParametersMatchTheCmdlet(string cmdlet)
    {
        RequireCmdlet(cmdlet);
        var doc = HelpDoc.Load(cmdlet);
        using var ps = PsSession.Create();
        var info = ps.Run($"Get-Command -Name '{cmdlet}' -Module MlvFabric");
        info.ThrowIfFailed();
        var command = (CmdletInfo)Assert.Single(info.Output).BaseObject;

        var problems = new List<string>();
        void Problem(int line, string text) => problems.Add($"{doc.DisplayPath}:{line}: {text}");

        // Hidden parameters ([Parameter(DontShow = true)], such as the piped InputObject) are no part of the documented surface.
        var real = command.Parameters.Values
            .Where(p => !Cmdlet.CommonParameters.Contains(p.Name))
            .Where(p => !p.Attributes.OfType<ParameterAttribute>().All(a => a.DontShow))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

        foreach (var parameter in real.Values.Where(p => !doc.Parameters.Any(d => d.Name.Equals(p.Name, StringComparison.OrdinalIgnoreCase))))
        {
            Problem(doc.ParametersLine, $"-{parameter.Name} is a parameter of {cmdlet} but is not documented: add '### -{parameter.Name}' with its yaml block.");
        }

        foreach (var documented in doc.Parameters)
        {
            if (!real.TryGetValue(documented.Name, out var parameter))
            {
                Problem(documented.Line, $"-{documented.Name} is documented but {cmdlet} has no such parameter.");
                continue;
            }

            if (!string.Equals(documented.Name, parameter.Name, StringComparison.Ordinal))
            {
                Problem(documented.Line, $"-{documented.Name} is spelled -{parameter.Name} by the cmdlet.");
            }

            var aliases = parameter.Aliases.OrderBy(a => a, StringComparer.OrdinalIgnoreCase).ToArray();
            var wildcards = parameter.Attributes.OfType<SupportsWildcardsAttribute>().Any();
            foreach (var block in documented.Blocks)
            {
                if (!TypeMatches(block.Type, parameter.ParameterType))
                {
                    Problem(block.Line, $"-{parameter.Name}: 'Type: {block.Type}', but the cmdlet's parameter is {parameter.ParameterType.Name} ({parameter.ParameterType.FullName}).");
                }

                if (!block.Aliases.OrderBy(a => a, StringComparer.OrdinalIgnoreCase).SequenceEqual(aliases, StringComparer.OrdinalIgnoreCase))
                {
                    Problem(block.Line, $"-{parameter.Name}: 'Aliases: {string.Join(", ", block.Aliases)}', but the cmdlet's aliases are '{string.Join(", ", aliases)}'.");
                }

                if (block.Wildcards != wildcards)
                {
                    Problem(block.Line, $"-{parameter.Name}: 'Accept wildcard characters: {block.Wildcards}', but the parameter {(wildcards ? "has" : "has no")} [SupportsWildcards].");
                }
            }
        }

        // Parameter sets: the SYNTAX headings are the cmdlet's sets; per set, each parameter's yaml block for it agrees.
        var sets = command.ParameterSets.ToList();
        if (doc.SyntaxSets.Count == 0)
        {
            if (sets.Count != 1)
            {
                Problem(doc.SyntaxLine, $"## SYNTAX has one unnamed block, but {cmdlet} has {sets.Count} parameter sets ({string.Join(", ", sets.Select(s => s.Name))}): one '### SetName' heading and block per set.");
            }
        }
        else
        {
            foreach (var set in sets.Where(s => !doc.SyntaxSets.Any(d => d.Name.Equals(s.Name, StringComparison.OrdinalIgnoreCase))))
            {
                Problem(doc.SyntaxLine, $"parameter set '{set.Name}' of {cmdlet} is missing from ## SYNTAX.");
            }

            foreach (var set in doc.SyntaxSets.Where(d => !sets.Any(s => s.Name.Equals(d.Name, StringComparison.OrdinalIgnoreCase))))
            {
                Problem(set.Line, $"## SYNTAX names a parameter set '{set.Name}' that {cmdlet} doesn't have (its sets: {string.Join(", ", sets.Select(s => s.Name))}).");
            }

            var markedDefault = doc.SyntaxSets.FirstOrDefault(s => s.IsDefault);
            var realDefault = sets.FirstOrDefault(s => s.IsDefault)?.Name;
            if (sets.Count > 1 && realDefault is not null && !string.Equals(markedDefault?.Name, realDefault, StringComparison.OrdinalIgnoreCase))
            {
                Problem(markedDefault?.Line ?? doc.SyntaxLine, $"the default parameter set is '{realDefault}': mark its SYNTAX heading '### {realDefault} (Default)'.");
            }
        }

        foreach (var set in sets)
        {
            var docSet = doc.SyntaxSets.Count == 0 ? null : set.Name;
            if (docSet is not null && !doc.SyntaxSets.Any(d => d.Name.Equals(docSet, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            foreach (var parameter in set.Parameters.Where(p => !Cmdlet.CommonParameters.Contains(p.Name)))
            {
                var documented = doc.Parameters.FirstOrDefault(d => d.Name.Equals(parameter.Name, StringComparison.OrdinalIgnoreCase));
                if (documented is null)
                {
                    continue;
                }

                var block = documented.BlockFor(docSet);
                var where = docSet is null ? "" : $" in set {set.Name}";
                if (block is null)
                {
                    Problem(documented.Line, $"-{parameter.Name} belongs to parameter set '{set.Name}', but no yaml block of it says so ('Parameter Sets: {set.Name}' or '(All)').");
                    continue;
                }

                if (block.Required != parameter.IsMandatory)
                {
                    Problem(block.Line, $"-{parameter.Name}{where}: 'Required: {block.Required}', but the cmdlet says {parameter.IsMandatory}.");
                }

                var position = parameter.Position == int.MinValue ? "Named" : parameter.Position.ToString(CultureInfo.InvariantCulture);
                if (!string.Equals(block.Position, position, StringComparison.OrdinalIgnoreCase))
                {
                    Problem(block.Line, $"-{parameter.Name}{where}: 'Position: {block.Position}', but the cmdlet says {position}.");
                }

                if (block.ByValue != parameter.ValueFromPipeline || block.ByPropertyName != parameter.ValueFromPipelineByPropertyName)
                {
                    Problem(block.Line, $"-{parameter.Name}{where}: 'Accept pipeline input: {block.PipelineInput}', but the cmdlet says {PipelineText(parameter)}.");
                }
            }
        }

        // A yaml block must not claim a set the parameter isn't in.
        foreach (var documented in doc.Parameters.Where(d => real.ContainsKey(d.Name)))
        {
            foreach (var block in documented.Blocks.Where(b => !b.AllSets))
            {
                foreach (var claimed in block.Sets)
                {
                    var set = sets.FirstOrDefault(s => s.Name.Equals(claimed, StringComparison.OrdinalIgnoreCase));
                    if (set is not null && !set.Parameters.Any(p => p.Name.Equals(documented.Name, StringComparison.OrdinalIgnoreCase)))
                    {
                        Problem(block.Line, $"-{documented.Name}: 'Parameter Sets' names '{claimed}', but the parameter isn't in that set.");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, $"docs/{cmdlet}.md disagrees with the cmdlet:\n" + string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void EveryExampleParses(string cmdlet)
    {
        RequireCmdlet(cmdlet);
        var doc = HelpDoc.Load(cmdlet);
        Assert.True(doc.Examples.Count > 0, $"{doc.DisplayPath}: no examples; write at least one (### Example 1: ... with a ```powershell block).");

        var problems = new List<string>();
        foreach (var example in doc.Examples)
        {
            foreach (var block in example.PowerShellBlocks)
            {
                Parser.ParseInput(block.Text, out _, out var errors);
                problems.AddRange(errors.Select(e =>
                    $"{doc.DisplayPath}:{block.Line + e.Extent.StartLineNumber}: '{example.Title}' does not parse: {e.Message} ({e.Extent.Text})"));
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(ExportedCmdlets))]
    public void ExamplesThatNeedOnlyTheModuleAndTheEmulatorRunAgainstTheEmulator(string cmdlet)
    {
        RequireCmdlet(cmdlet);
        var doc = HelpDoc.Load(cmdlet);
        var failures = new List<string>();
        var ran = 0;
        using (var resolver = PsSession.Create())
        {
            foreach (var example in doc.Examples)
            {
                var code = WithoutSignIn(example.PowerShellCode, out var signInReplaced);
                var reason = WhyNotRunnable(example, code, resolver);
                if (reason is not null)
                {
                    _output.WriteLine($"not run: {doc.DisplayPath}:{example.Line} '{example.Title}': {reason}");
                    continue;
                }

                ran++;
                _output.WriteLine($"running: {doc.DisplayPath}:{example.Line} '{example.Title}'{(signInReplaced ? " (its Connect-MlvFabric replaced by the test's connection)" : "")}");
                var failure = RunAgainstEmulator(code);
                if (failure is not null)
                {
                    failures.Add($"{doc.DisplayPath}:{example.Line}: '{example.Title}' failed against the emulator:\n{failure}");
                }
            }
        }

        _output.WriteLine($"{ran} of {doc.Examples.Count} example(s) ran against the emulator.");
        Assert.True(failures.Count == 0,
            string.Join("\n\n", failures) +
            "\n\nExamples that use only MlvFabric and core cmdlets run against the emulator (see CONTRIBUTING.md, Help): use the emulator's " +
            "seed names (workspaces Sales: Bronze, Silver, Gold; Finance: Ledger), or put '<!-- doc-test: skip (reason) -->' under the example's title.");
    }

    /// <summary>The printed -Examples view is the examples of docs/Start-MlvRefresh.md.</summary>
    [Fact]
    public void GetHelpStartMlvRefreshExamplesPrintsTheExamplesFromItsHelpFile()
    {
        Assert.True(Exported.Value.Contains("Start-MlvRefresh", StringComparer.OrdinalIgnoreCase), "The built module does not export Start-MlvRefresh.");
        var doc = HelpDoc.Load("Start-MlvRefresh");
        Assert.NotEmpty(doc.Examples);

        var printed = PrintedHelp("Start-MlvRefresh", "-Examples");

        Assert.Contains("Start-MlvRefresh", printed);
        Assert.Contains(Plain(doc.Synopsis), Plain(printed));
        foreach (var example in doc.Examples)
        {
            Assert.Contains(Plain(example.Title), printed);
            foreach (var line in example.PowerShellBlocks.SelectMany(b => b.Lines).Select(l => l.Trim()).Where(l => l.Length > 0))
            {
                Assert.Contains(line, printed);
            }
        }
    }

    [Fact]
    public void AboutMlvFabricCoversSignInSessionSchedulesWaitsAndTheEmulator()
    {
        using var ps = PsSession.Create();
        var result = ps.Run("Get-Help -Name about_MlvFabric");
        result.ThrowIfFailed();
        var text = Regex.Replace(string.Join("\n", result.Output.Select(o => o.ToString())), @"[ \t\r\n]+", " ");

        Assert.StartsWith("TOPIC", text.TrimStart('\uFEFF', ' '));
        foreach (var expected in new[] { "about_mlvfabric", "SHORT DESCRIPTION", "LONG DESCRIPTION", "Connect-MlvFabric -Identity", "-Context",
                     "time zone", "IANA", "Retry-After", "50 job submissions", "emulator" })
        {
            Assert.Contains(expected, text);
        }
    }

    // ---- running examples -------------------------------------------------------------------------------------

    private static readonly HashSet<string> AutomaticVariables = new(StringComparer.OrdinalIgnoreCase)
    {
        "_", "PSItem", "this", "args", "input", "true", "false", "null", "Error", "LASTEXITCODE", "Matches", "PSScriptRoot",
        "PSCommandPath", "MyInvocation", "PSBoundParameters", "PWD", "HOME", "Host", "PID", "PSVersionTable", "PSEdition",
        "PSHOME", "IsWindows", "IsLinux", "IsMacOS", "IsCoreCLR", "ExecutionContext", "ShellId", "StackTrace", "foreach",
        "switch", "Event", "EventArgs", "Sender", "NestedPromptLevel", "PSCulture", "PSUICulture", "OFS",
        "ErrorActionPreference", "WarningPreference", "VerbosePreference", "DebugPreference", "InformationPreference",
        "ProgressPreference", "ConfirmPreference", "WhatIfPreference", "PSDefaultParameterValues", "PSStyle", "OutputEncoding",
        "?", "^", "$",
    };

    private static readonly string[] VariableParameters =
    {
        "OutVariable", "ov", "ErrorVariable", "ev", "WarningVariable", "wv", "InformationVariable", "iv", "PipelineVariable", "pv",
    };

    /// <summary>
    /// The example's code with each Connect-MlvFabric call replaced by Get-MlvContext, which returns the session the test
    /// connected to the emulator: a runbook's sign-in line becomes a no-op, and the rest of it runs as written.
    /// </summary>
    private static string WithoutSignIn(string code, out bool replaced)
    {
        var ast = Parser.ParseInput(code, out _, out var errors);
        replaced = false;
        if (errors.Length > 0)
        {
            return code;
        }

        var sb = new StringBuilder(code);
        foreach (var connect in ast.FindAll(a => a is CommandAst c && string.Equals(c.GetCommandName(), "Connect-MlvFabric", StringComparison.OrdinalIgnoreCase), true)
                     .Cast<CommandAst>().OrderByDescending(c => c.Extent.StartOffset))
        {
            sb.Remove(connect.Extent.StartOffset, connect.Extent.EndOffset - connect.Extent.StartOffset).Insert(connect.Extent.StartOffset, "Get-MlvContext");
            replaced = true;
        }

        return sb.ToString();
    }

    /// <summary>Null when the example needs only the module and the emulator (see CONTRIBUTING.md, Help); else why not.</summary>
    private static string? WhyNotRunnable(HelpExample example, string code, PsSession resolver)
    {
        if (example.SkipReason is not null)
        {
            return "marked doc-test: skip " + example.SkipReason;
        }

        var placeholder = Regex.Match(code, @"<[A-Za-z][^<>\r\n]*>");
        if (placeholder.Success)
        {
            return $"has a placeholder {placeholder.Value}";
        }

        var ast = Parser.ParseInput(code, out _, out var errors);
        if (errors.Length > 0)
        {
            return "does not parse";
        }

        foreach (var command in ast.FindAll(a => a is CommandAst, searchNestedScriptBlocks: true).Cast<CommandAst>())
        {
            var name = command.GetCommandName();
            if (name is null)
            {
                return "calls a command by a computed name";
            }

            var found = resolver.Run(
                "$c = @(Get-Command -Name $MlvDocCommand -ErrorAction Ignore)[0]; if ($c -is [System.Management.Automation.AliasInfo]) { $c = $c.ResolvedCommand }; if ($c) { [string]$c.ModuleName } else { '?' }",
                new Dictionary<string, object?> { ["MlvDocCommand"] = name });
            var module = found.Output.Select(o => o?.ToString()).FirstOrDefault() ?? "?";
            if (module != "MlvFabric" && module != "Microsoft.PowerShell.Core")
            {
                return module == "?" ? $"uses {name}, which the in-process engine lacks" : $"uses {name} from {(module.Length == 0 ? "outside any module" : module)}";
            }
        }

        var assigned = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var node in ast.FindAll(_ => true, searchNestedScriptBlocks: true))
        {
            switch (node)
            {
                case AssignmentStatementAst assignment:
                    foreach (var target in assignment.Left.FindAll(a => a is VariableExpressionAst, false).Cast<VariableExpressionAst>())
                    {
                        assigned.Add(VariableName(target));
                    }

                    break;
                case ForEachStatementAst loop:
                    assigned.Add(VariableName(loop.Variable));
                    break;
                case ParameterAst parameter:
                    assigned.Add(VariableName(parameter.Name));
                    break;
                case CommandAst command:
                    for (var i = 0; i < command.CommandElements.Count - 1; i++)
                    {
                        if (command.CommandElements[i] is CommandParameterAst p
                            && VariableParameters.Contains(p.ParameterName, StringComparer.OrdinalIgnoreCase)
                            && (p.Argument ?? command.CommandElements[i + 1]) is StringConstantExpressionAst value)
                        {
                            assigned.Add(value.Value.TrimStart('+'));
                        }
                    }

                    break;
            }
        }

        foreach (var variable in ast.FindAll(a => a is VariableExpressionAst, searchNestedScriptBlocks: true).Cast<VariableExpressionAst>())
        {
            if (variable.VariablePath.DriveName is { Length: > 0 } drive && !drive.Equals("using", StringComparison.OrdinalIgnoreCase)
                && !drive.Equals("global", StringComparison.OrdinalIgnoreCase) && !drive.Equals("script", StringComparison.OrdinalIgnoreCase)
                && !drive.Equals("local", StringComparison.OrdinalIgnoreCase) && !drive.Equals("private", StringComparison.OrdinalIgnoreCase))
            {
                continue; // $env:X and other provider paths
            }

            var name = VariableName(variable);
            if (!assigned.Contains(name) && !AutomaticVariables.Contains(name))
            {
                return $"reads ${name}, which it does not set";
            }
        }

        return null;
    }

    private static string VariableName(VariableExpressionAst variable)
    {
        var path = variable.VariablePath.UserPath;
        var colon = path.IndexOf(':');
        return colon >= 0 ? path.Substring(colon + 1) : path;
    }

    /// <summary>Runs example code in a fresh runspace connected to the freshly reset emulator; null when it succeeded.</summary>
    private string? RunAgainstEmulator(string code)
    {
        _fixture.Emulator.Reset();
        using var ps = PsSession.Connected(_fixture.Emulator);

        // As if the user answered Yes to any confirmation prompt: a test host can't prompt.
        ps.SetVariable("ConfirmPreference", "None");
        (var running, var pending) = ps.Start(code);
        using (running)
        {
            if (!pending.Wait(TimeSpan.FromMinutes(2)))
            {
                running.Stop();
                return "did not finish within 2 minutes against the emulator.";
            }

            var result = pending.Result;
            return result.Terminating is null && result.Errors.Count == 0 ? null : result.Describe();
        }
    }

    // ---- Get-Help as printed ----------------------------------------------------------------------------------

    /// <summary>What 'Get-Help &lt;cmdlet&gt; &lt;view&gt;' prints in a console (a host that records its output).</summary>
    private static string PrintedHelp(string cmdlet, string view)
    {
        var host = new RecordingHost();
        using var runspace = RunspaceFactory.CreateRunspace(host, InitialSessionState.CreateDefault2());
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript($"$PSStyle.OutputRendering = 'PlainText'; Import-Module '{ModuleLocator.ManifestPath}' -ErrorAction Stop; Get-Help -Name '{cmdlet}' {view} | Out-Host");
        ps.Invoke();
        Assert.False(ps.HadErrors, string.Join("\n", ps.Streams.Error.Select(e => e.ToString())));
        return host.Text;
    }

    private sealed class RecordingHost : PSHost
    {
        private readonly RecordingUserInterface _ui = new();

        public string Text => _ui.Text;

        public override CultureInfo CurrentCulture => CultureInfo.GetCultureInfo("en-US");

        public override CultureInfo CurrentUICulture => CultureInfo.GetCultureInfo("en-US");

        public override Guid InstanceId { get; } = Guid.NewGuid();

        public override string Name => "MlvFabric.Tests.RecordingHost";

        public override PSHostUserInterface UI => _ui;

        public override Version Version => new(1, 0);

        public override void EnterNestedPrompt() => throw new NotSupportedException();

        public override void ExitNestedPrompt() => throw new NotSupportedException();

        public override void NotifyBeginApplication()
        {
        }

        public override void NotifyEndApplication()
        {
        }

        public override void SetShouldExit(int exitCode)
        {
        }
    }

    private sealed class RecordingUserInterface : PSHostUserInterface
    {
        private readonly StringBuilder _text = new();

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        // Wide enough that the formatter never breaks a line of an example.
        public override PSHostRawUserInterface RawUI { get; } = new WideRawUserInterface();

        public override void Write(string value) => Append(value);

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Append(value);

        public override void WriteLine(string value) => Append(value + "\n");

        public override void WriteErrorLine(string value) => Append(value + "\n");

        public override void WriteDebugLine(string message)
        {
        }

        public override void WriteVerboseLine(string message)
        {
        }

        public override void WriteWarningLine(string message) => Append("WARNING: " + message + "\n");

        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
        }

        public override string ReadLine() => throw new NotSupportedException();

        public override SecureString ReadLineAsSecureString() => throw new NotSupportedException();

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw new NotSupportedException();

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) => throw new NotSupportedException();

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException();

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new NotSupportedException();

        private void Append(string value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }
    }

    private sealed class WideRawUserInterface : PSHostRawUserInterface
    {
        public override ConsoleColor BackgroundColor { get; set; }

        public override Size BufferSize { get; set; } = new(1000, 9999);

        public override Coordinates CursorPosition { get; set; }

        public override int CursorSize { get; set; }

        public override ConsoleColor ForegroundColor { get; set; }

        public override bool KeyAvailable => false;

        public override Size MaxPhysicalWindowSize => new(1000, 100);

        public override Size MaxWindowSize => new(1000, 100);

        public override Coordinates WindowPosition { get; set; }

        public override Size WindowSize { get; set; } = new(1000, 100);

        public override string WindowTitle { get; set; } = "";

        public override void FlushInputBuffer()
        {
        }

        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();

        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();

        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill)
        {
        }

        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents)
        {
        }

        public override void SetBufferContents(Rectangle rectangle, BufferCell fill)
        {
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static List<PSObject> Items(PSObject help, string section, string item)
    {
        var container = help.Properties[section]?.Value;
        var items = container is null ? null : PSObject.AsPSObject(container).Properties[item]?.Value;
        return LanguagePrimitives.GetEnumerable(items)?.Cast<object>().Select(PSObject.AsPSObject).ToList() ?? new List<PSObject>();
    }

    private static string PipelineText(CommandParameterInfo parameter) =>
        (parameter.ValueFromPipeline, parameter.ValueFromPipelineByPropertyName) switch
        {
            (true, true) => "True (ByValue, ByPropertyName)",
            (true, false) => "True (ByValue)",
            (false, true) => "True (ByPropertyName)",
            _ => "False",
        };

    /// <summary>Whether a platyPS 'Type:' names <paramref name="type"/> (short or full name, arrays, nullable, switch).</summary>
    internal static bool TypeMatches(string documented, Type type)
    {
        var doc = documented.Trim();
        if (doc.StartsWith('[') && doc.EndsWith(']') && !doc.EndsWith("[]", StringComparison.Ordinal))
        {
            doc = doc.Substring(1, doc.Length - 2); // [string] style
        }

        if (type == typeof(SwitchParameter))
        {
            return doc.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase) || doc.Equals("switch", StringComparison.OrdinalIgnoreCase)
                || doc.Equals("System.Management.Automation.SwitchParameter", StringComparison.OrdinalIgnoreCase);
        }

        var names = new List<string> { type.Name, type.FullName ?? type.Name, type.ToString() };
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            names.AddRange(new[] { underlying.Name, underlying.FullName ?? underlying.Name, underlying.Name + "?", $"Nullable`1[{underlying.Name}]", $"Nullable`1[{underlying.FullName}]" });
        }

        return names.Any(n => n.Equals(doc, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Text as a user reads it: Markdown emphasis, escapes, links and line breaks reduced.</summary>
    private static string Plain(string? text)
    {
        if (text is null)
        {
            return "";
        }

        var s = Regex.Replace(text, @"\[([^\]]+)\]\(([^)\s]*)\)", "$1");
        s = Regex.Replace(s, @" \(https?://[^)\s]+\)", "");
        s = s.Replace("**", "").Replace("__", "");
        s = Regex.Replace(s, @"\\([!-/:-@\[-`{-~])", "$1");
        return Regex.Replace(s, @"\s+", " ").Trim();
    }

    private static string Normalize(string? code) => (code ?? "").Replace("\r\n", "\n").Trim();

    // ---- the Markdown side, read independently of the help builder --------------------------------------------

    private sealed class CodeFence
    {
        public int Line { get; init; }

        public string Language { get; init; } = "";

        public List<string> Lines { get; } = new();

        public string Text => string.Join("\n", Lines);

        public bool IsPowerShell => Language is "" or "powershell" or "ps1" or "pwsh" or "ps" or "posh";
    }

    private sealed class HelpExample
    {
        public string Title { get; init; } = "";

        public int Line { get; init; }

        public string? SkipReason { get; set; }

        public List<CodeFence> Blocks { get; } = new();

        public List<CodeFence> PowerShellBlocks => Blocks.Where(b => b.IsPowerShell).ToList();

        public string PowerShellCode => string.Join("\n\n", PowerShellBlocks.Select(b => b.Text));
    }

    private sealed class DocParameterBlock
    {
        public int Line { get; init; }

        public string Type { get; set; } = "";

        public bool AllSets { get; set; }

        public List<string> Sets { get; } = new();

        public List<string> Aliases { get; } = new();

        public bool Required { get; set; }

        public string Position { get; set; } = "Named";

        public string PipelineInput { get; set; } = "False";

        public bool ByValue { get; set; }

        public bool ByPropertyName { get; set; }

        public bool Wildcards { get; set; }
    }

    private sealed class DocParameter
    {
        public string Name { get; init; } = "";

        public int Line { get; init; }

        public List<DocParameterBlock> Blocks { get; } = new();

        public DocParameterBlock? BlockFor(string? set) =>
            set is null
                ? Blocks.FirstOrDefault()
                : Blocks.FirstOrDefault(b => b.Sets.Contains(set, StringComparer.OrdinalIgnoreCase)) ?? Blocks.FirstOrDefault(b => b.AllSets);
    }

    private sealed record DocSyntaxSet(string Name, bool IsDefault, int Line);

    /// <summary>docs/&lt;Name&gt;.md read line by line (fences respected): what the tests compare with the cmdlet.</summary>
    private sealed class HelpDoc
    {
        public string DisplayPath { get; private init; } = "";

        public string ExternalHelpFile { get; private set; } = "";

        public string Synopsis { get; private set; } = "";

        public int SynopsisLine { get; private set; }

        public int SyntaxLine { get; private set; }

        public int ParametersLine { get; private set; }

        public List<DocSyntaxSet> SyntaxSets { get; } = new();

        public List<HelpExample> Examples { get; } = new();

        public List<DocParameter> Parameters { get; } = new();

        public static bool IsModulePage(string file) =>
            File.ReadLines(file).Take(20).Any(l => l.StartsWith("Module Guid:", StringComparison.OrdinalIgnoreCase));

        public static HelpDoc Load(string cmdlet)
        {
            var path = Path.Combine(DocsDirectory, cmdlet + ".md");
            Assert.True(File.Exists(path), $"{cmdlet} has no help file: write docs/{cmdlet}.md (platyPS format; see CONTRIBUTING.md, Help).");
            var doc = new HelpDoc { DisplayPath = $"docs/{cmdlet}.md" };
            doc.Read(File.ReadAllLines(path));
            return doc;
        }

        private void Read(string[] lines)
        {
            var section = "";
            var synopsis = new List<string>();
            HelpExample? example = null;
            DocParameter? parameter = null;
            var i = 0;

            if (lines.Length > 0 && lines[0].Trim() == "---")
            {
                for (i = 1; i < lines.Length && lines[i].Trim() != "---"; i++)
                {
                    var m = Regex.Match(lines[i], @"^external help file:\s*(.*?)\s*$", RegexOptions.IgnoreCase);
                    if (m.Success)
                    {
                        ExternalHelpFile = m.Groups[1].Value;
                    }
                }

                i++;
            }

            for (; i < lines.Length; i++)
            {
                var line = lines[i];
                var number = i + 1;
                var fence = Regex.Match(line, @"^ {0,3}(```+|~~~+)\s*([\w-]*)");
                if (fence.Success)
                {
                    var block = new CodeFence { Line = number, Language = fence.Groups[2].Value.ToLowerInvariant() };
                    var marker = fence.Groups[1].Value;
                    for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith(marker, StringComparison.Ordinal); i++)
                    {
                        block.Lines.Add(lines[i]);
                    }

                    if (section == "EXAMPLES" && example is not null)
                    {
                        example.Blocks.Add(block);
                    }
                    else if (section == "PARAMETERS" && parameter is not null && block.Language == "yaml")
                    {
                        parameter.Blocks.Add(ReadYaml(block));
                    }

                    continue;
                }

                if (line.StartsWith("## ", StringComparison.Ordinal))
                {
                    section = line.Substring(3).Trim().ToUpperInvariant();
                    example = null;
                    parameter = null;
                    if (section == "SYNOPSIS")
                    {
                        SynopsisLine = number;
                    }

                    if (section == "SYNTAX")
                    {
                        SyntaxLine = number;
                    }

                    if (section == "PARAMETERS")
                    {
                        ParametersLine = number;
                    }

                    continue;
                }

                if (line.StartsWith("### ", StringComparison.Ordinal))
                {
                    var title = line.Substring(4).Trim();
                    switch (section)
                    {
                        case "SYNTAX":
                            var isDefault = title.EndsWith(" (Default)", StringComparison.OrdinalIgnoreCase);
                            SyntaxSets.Add(new DocSyntaxSet(isDefault ? title.Substring(0, title.Length - 10).Trim() : title, isDefault, number));
                            break;
                        case "EXAMPLES":
                            example = new HelpExample { Title = title, Line = number };
                            Examples.Add(example);
                            break;
                        case "PARAMETERS":
                            parameter = title.StartsWith('-') ? new DocParameter { Name = title.Substring(1), Line = number } : null;
                            if (parameter is not null)
                            {
                                Parameters.Add(parameter);
                            }

                            break;
                    }

                    continue;
                }

                if (section == "SYNOPSIS" && line.Trim().Length > 0)
                {
                    synopsis.Add(line.Trim());
                }

                var skip = Regex.Match(line, @"<!--\s*doc-test:\s*skip\b(.*?)-->", RegexOptions.IgnoreCase);
                if (section == "EXAMPLES" && example is not null && skip.Success)
                {
                    example.SkipReason = skip.Groups[1].Value.Trim();
                }
            }

            Synopsis = string.Join(" ", synopsis);
        }

        private static DocParameterBlock ReadYaml(CodeFence fence)
        {
            var block = new DocParameterBlock { Line = fence.Line };
            foreach (var line in fence.Lines)
            {
                var colon = line.IndexOf(':');
                if (colon <= 0)
                {
                    continue;
                }

                var key = line.Substring(0, colon).Trim();
                var value = line.Substring(colon + 1).Trim();
                var list = value.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
                switch (key.ToLowerInvariant())
                {
                    case "type":
                        block.Type = value;
                        break;
                    case "parameter sets":
                        block.AllSets = value.Equals("(All)", StringComparison.OrdinalIgnoreCase);
                        if (!block.AllSets)
                        {
                            block.Sets.AddRange(list);
                        }

                        break;
                    case "aliases":
                        if (!value.Equals("None", StringComparison.OrdinalIgnoreCase))
                        {
                            block.Aliases.AddRange(list);
                        }

                        break;
                    case "required":
                        block.Required = value.Equals("True", StringComparison.OrdinalIgnoreCase);
                        break;
                    case "position":
                        block.Position = value;
                        break;
                    case "accept pipeline input":
                        block.PipelineInput = value;
                        block.ByValue = value.Contains("ByValue", StringComparison.OrdinalIgnoreCase);
                        block.ByPropertyName = value.Contains("ByPropertyName", StringComparison.OrdinalIgnoreCase);
                        break;
                    case "accept wildcard characters":
                        block.Wildcards = value.Equals("True", StringComparison.OrdinalIgnoreCase);
                        break;
                }
            }

            return block;
        }
    }
}
