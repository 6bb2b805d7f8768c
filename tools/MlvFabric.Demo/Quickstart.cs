using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Language;
using System.Text.RegularExpressions;

namespace MlvFabric.Hosting;

/// <summary>The README's quickstart block (between the quickstart markers), pointed at a given emulator URL.</summary>
public static class Quickstart
{
    public static string Extract(string readme, string emulatorUrl)
    {
        var match = Regex.Match(readme, @"<!-- quickstart:begin -->\s*```powershell\s*(.*?)```\s*<!-- quickstart:end -->", RegexOptions.Singleline);
        if (!match.Success)
        {
            throw new InvalidOperationException("README.md has no quickstart block between <!-- quickstart:begin --> and <!-- quickstart:end -->.");
        }

        return Regex.Replace(match.Groups[1].Value, @"\$MlvEmulatorUrl\s*=\s*'[^']*'", $"$$MlvEmulatorUrl = '{emulatorUrl.TrimEnd('/')}'");
    }

    /// <summary>
    /// The script's top-level statements, each as typed at a prompt: the console formats every statement's output on
    /// its own, so a demo or test that wants console-like tables runs them one at a time.
    /// </summary>
    public static IReadOnlyList<string> Statements(string script)
    {
        var ast = Parser.ParseInput(script, out _, out var errors);
        if (errors.Length > 0)
        {
            throw new InvalidOperationException("The quickstart does not parse: " + errors[0]);
        }

        return ast.EndBlock.Statements.Select(s => s.Extent.Text).ToList();
    }
}
