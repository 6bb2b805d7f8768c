using System;
using System.Collections.Generic;
using System.Linq;

namespace MlvFabric.HelpBuilder.Model;

/// <summary>One cmdlet's help as read from its platyPS Markdown file.</summary>
public sealed class CommandHelp
{
    public string Name { get; set; } = "";

    public string SourcePath { get; set; } = "";

    /// <summary>Front matter 'external help file', e.g. MlvFabric.dll-Help.xml: the MAML file this command goes into.</summary>
    public string ExternalHelpFile { get; set; } = "";

    public string? ModuleName { get; set; }

    public string? OnlineVersion { get; set; }

    /// <summary>Paragraphs of text, one MAML para each (a paragraph may hold line breaks: list items, code).</summary>
    public List<string> Synopsis { get; } = new();

    public int SynopsisLine { get; set; }

    public List<string> Description { get; } = new();

    public List<SyntaxSet> Syntax { get; } = new();

    public List<ExampleHelp> Examples { get; } = new();

    public List<ParameterHelp> Parameters { get; } = new();

    public bool SupportsCommonParameters { get; set; }

    public List<TypeHelp> Inputs { get; } = new();

    public List<TypeHelp> Outputs { get; } = new();

    public List<string> Notes { get; } = new();

    public List<LinkHelp> Links { get; } = new();

    /// <summary>Whether SYNTAX names its parameter sets (### SetName); false for a single unnamed syntax block.</summary>
    public bool HasNamedSets => Syntax.Any(s => s.Name is not null);

    /// <summary>
    /// The parameters of one syntax entry with the metadata that applies to that set, as platyPS lays them out:
    /// a parameter's yaml block that names the set, else its block for (All); positional ones first, by position.
    /// </summary>
    public IReadOnlyList<(ParameterHelp Parameter, ParameterMetadata Metadata)> ParametersOf(SyntaxSet set)
    {
        var result = new List<(ParameterHelp, ParameterMetadata)>();
        foreach (var parameter in Parameters)
        {
            var metadata = parameter.MetadataFor(set.Name);
            if (metadata is not null)
            {
                result.Add((parameter, metadata));
            }
        }

        return result
            .Select((entry, index) => (entry, index))
            .OrderBy(x => x.entry.Item2.PositionNumber ?? int.MaxValue)
            .ThenBy(x => x.index)
            .Select(x => x.entry)
            .ToList();
    }
}

public sealed class SyntaxSet
{
    /// <summary>The set's name from '### Name'; null for a lone syntax block (one set, all parameters).</summary>
    public string? Name { get; set; }

    public bool IsDefault { get; set; }

    public int Line { get; set; }

    public IReadOnlyList<string> Code { get; set; } = Array.Empty<string>();
}

public sealed class CodeBlock
{
    public int Line { get; set; }

    /// <summary>Fence language, lower case; "" when the fence has none.</summary>
    public string Language { get; set; } = "";

    public IReadOnlyList<string> Lines { get; set; } = Array.Empty<string>();

    public string Text => string.Join("\n", Lines);

    /// <summary>PowerShell code (```powershell, ```ps1, ```pwsh, ```ps, or no language); output and other languages are not.</summary>
    public bool IsPowerShell => Language is "" or "powershell" or "ps1" or "pwsh" or "ps" or "posh";
}

public sealed class ExampleHelp
{
    public string Title { get; set; } = "";

    public int Line { get; set; }

    /// <summary>Text between the title and the first code block (platyPS's introduction).</summary>
    public List<string> Introduction { get; } = new();

    public List<CodeBlock> Code { get; } = new();

    public List<string> Remarks { get; } = new();

    /// <summary>The PowerShell code of the example (output blocks left out), blocks separated by a blank line.</summary>
    public string PowerShellCode => string.Join("\n\n", Code.Where(c => c.IsPowerShell).Select(c => c.Text));
}

public sealed class ParameterHelp
{
    public string Name { get; set; } = "";

    public int Line { get; set; }

    public List<string> Description { get; } = new();

    /// <summary>One entry per ```yaml block: platyPS writes several when the attributes differ between sets.</summary>
    public List<ParameterMetadata> Metadata { get; } = new();

    /// <summary>The metadata for a set (null name: the single unnamed set), or null if the parameter isn't in it.</summary>
    public ParameterMetadata? MetadataFor(string? setName)
    {
        if (setName is null)
        {
            return Metadata.FirstOrDefault();
        }

        return Metadata.FirstOrDefault(m => m.ParameterSets.Contains(setName, StringComparer.OrdinalIgnoreCase))
            ?? Metadata.FirstOrDefault(m => m.AllSets);
    }
}

public sealed class ParameterMetadata
{
    public int Line { get; set; }

    public string Type { get; set; } = "";

    /// <summary>'Parameter Sets: (All)'.</summary>
    public bool AllSets { get; set; }

    public List<string> ParameterSets { get; } = new();

    public List<string> Aliases { get; } = new();

    public List<string> AcceptedValues { get; } = new();

    public bool Required { get; set; }

    /// <summary>As written: "Named" or a number.</summary>
    public string Position { get; set; } = "Named";

    public int? PositionNumber => int.TryParse(Position, out var n) ? n : null;

    public string DefaultValue { get; set; } = "None";

    /// <summary>As written, e.g. "True (ByPropertyName)" or "False".</summary>
    public string PipelineInput { get; set; } = "False";

    public bool ByValue { get; set; }

    public bool ByPropertyName { get; set; }

    public bool Globbing { get; set; }

    public bool IsSwitch =>
        Type.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase)
        || Type.Equals("switch", StringComparison.OrdinalIgnoreCase)
        || Type.Equals("System.Management.Automation.SwitchParameter", StringComparison.OrdinalIgnoreCase);
}

public sealed class TypeHelp
{
    public string TypeName { get; set; } = "";

    public int Line { get; set; }

    public List<string> Description { get; } = new();
}

public sealed class LinkHelp
{
    public string Text { get; set; } = "";

    /// <summary>As written; may be relative (another help file), which MAML keeps as text only.</summary>
    public string Uri { get; set; } = "";

    public int Line { get; set; }

    public bool IsAbsolute => System.Uri.TryCreate(Uri, UriKind.Absolute, out var u) && (u.Scheme == "http" || u.Scheme == "https");
}
