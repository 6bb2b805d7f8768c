using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation.Language;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>
/// The PowerShell scripts users run on Windows PowerShell 5.1 as well as PowerShell 7 (build.ps1, examples/,
/// tests/Pester/) parse, use no PowerShell 7-only syntax, and are ASCII (5.1 reads a file without BOM as ANSI).
/// The Pester tests parse them under the PowerShell that runs them; this catches 7-only syntax where only 7 runs.
/// </summary>
public sealed class ScriptCompatibilityTests
{
    public static IEnumerable<object[]> Scripts()
    {
        var root = ModuleLocator.RepoRoot;
        var files = new List<string> { Path.Combine(root, "build.ps1") };
        foreach (var folder in new[] { "examples", Path.Combine("tests", "Pester") })
        {
            var dir = Path.Combine(root, folder);
            if (Directory.Exists(dir))
            {
                files.AddRange(Directory.GetFiles(dir, "*.ps1").OrderBy(f => f, StringComparer.Ordinal));
            }
        }

        return files.Select(f => new object[] { Path.GetRelativePath(root, f).Replace('\\', '/') });
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void ScriptParsesWithWindowsPowerShell51Syntax(string relativePath)
    {
        var path = Path.Combine(ModuleLocator.RepoRoot, relativePath);
        var ast = Parser.ParseFile(path, out _, out var errors);
        Assert.True(errors.Length == 0, $"{relativePath} does not parse: " + string.Join("; ", errors.Select(e => $"{e.Extent.StartLineNumber}: {e.Message}")));

        var problems = new List<string>();
        foreach (var node in ast.FindAll(_ => true, searchNestedScriptBlocks: true))
        {
            var problem = node switch
            {
                TernaryExpressionAst => "the ternary operator (a ? b : c)",
                PipelineChainAst => "a pipeline chain (&& or ||)",
                BinaryExpressionAst { Operator: TokenKind.QuestionQuestion } => "the null-coalescing operator (??)",
                AssignmentStatementAst { Operator: TokenKind.QuestionQuestionEquals } => "the null-coalescing assignment (??=)",
                MemberExpressionAst { NullConditional: true } => "null-conditional member access (?.)",
                IndexExpressionAst { NullConditional: true } => "null-conditional indexing (?[])",
                ScriptBlockAst { CleanBlock: not null } => "a clean block",
                VariableExpressionAst v when IsPlatformVariable(v) => $"${v.VariablePath.UserPath} (undefined on 5.1: use [Environment]::OSVersion.Platform)",
                CommandAst c => CommandProblem(c),
                _ => null,
            };
            if (problem is not null)
            {
                problems.Add($"{relativePath}({node.Extent.StartLineNumber}): {problem}");
            }
        }

        Assert.True(problems.Count == 0, "PowerShell 7-only constructs:\n" + string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void ScriptIsAscii(string relativePath)
    {
        var bytes = File.ReadAllBytes(Path.Combine(ModuleLocator.RepoRoot, relativePath));
        var index = Array.FindIndex(bytes, b => b > 127);
        Assert.True(index < 0, $"{relativePath} has a non-ASCII byte at offset {index}; Windows PowerShell 5.1 would read it as ANSI.");
    }

    private static bool IsPlatformVariable(VariableExpressionAst variable) =>
        variable.VariablePath.UserPath is string name
        && (name.Equals("IsWindows", StringComparison.OrdinalIgnoreCase)
            || name.Equals("IsLinux", StringComparison.OrdinalIgnoreCase)
            || name.Equals("IsMacOS", StringComparison.OrdinalIgnoreCase)
            || name.Equals("IsCoreCLR", StringComparison.OrdinalIgnoreCase));

    private static string? CommandProblem(CommandAst command)
    {
        var name = command.GetCommandName();
        var parameters = command.CommandElements.OfType<CommandParameterAst>().Select(p => p.ParameterName);
        if (name is "ForEach-Object" or "foreach" or "%" && parameters.Any(p => "Parallel".StartsWith(p, StringComparison.OrdinalIgnoreCase) && p.Length >= 2))
        {
            return "ForEach-Object -Parallel";
        }

        if (string.Equals(name, "Join-Path", StringComparison.OrdinalIgnoreCase)
            && (parameters.Any(p => p.StartsWith("Add", StringComparison.OrdinalIgnoreCase))
                || command.CommandElements.Skip(1).Count(e => e is not CommandParameterAst) > 2))
        {
            return "Join-Path with more than one child path (-AdditionalChildPath)";
        }

        return null;
    }
}
