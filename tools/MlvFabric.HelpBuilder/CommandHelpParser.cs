using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using MlvFabric.HelpBuilder.Markdown;
using MlvFabric.HelpBuilder.Model;

namespace MlvFabric.HelpBuilder;

/// <summary>
/// Reads one cmdlet help file in platyPS 0.14 Markdown (schema 2.0.0) into a <see cref="CommandHelp"/>, checking the
/// structure New-ExternalHelp relies on. Every problem is a <see cref="HelpBuildException"/> naming the line.
/// </summary>
public static class CommandHelpParser
{
    public const string DefaultSetSuffix = " (Default)";

    private static readonly string[] SectionOrder =
    {
        "SYNOPSIS", "SYNTAX", "DESCRIPTION", "EXAMPLES", "PARAMETERS", "INPUTS", "OUTPUTS", "NOTES", "RELATED LINKS",
    };

    private static readonly string[] YamlKeys =
    {
        "Type", "Parameter Sets", "Aliases", "Accepted values", "Required", "Position", "Default value",
        "Accept pipeline input", "Accept wildcard characters", "Applicable",
    };

    private static readonly string[] RequiredYamlKeys =
    {
        "Type", "Parameter Sets", "Aliases", "Required", "Position", "Default value", "Accept pipeline input", "Accept wildcard characters",
    };

    private static readonly Regex PipelineInputValue = new(
        @"^(?:False|True(?:\s*\((?<kinds>ByValue|ByPropertyName)(?:\s*,\s*(?<kinds>ByValue|ByPropertyName))?\))?)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static readonly Regex LinkLine = new(@"^\s*\[(?<text>[^\]]+)\]\((?<uri>[^()\s]*)\)\s*", RegexOptions.CultureInvariant);

    public static CommandHelp Parse(string path, string text) => Parse(MarkdownDocument.Parse(path, text));

    public static CommandHelp Parse(MarkdownDocument doc)
    {
        var path = doc.Path;
        var blocks = doc.Blocks;
        var help = new CommandHelp { SourcePath = path };

        if (doc.FrontMatter.Count == 0)
        {
            throw new HelpBuildException(path, 1,
                "no front matter: platyPS help starts with '---', 'external help file: <Assembly>.dll-Help.xml', 'Module Name: ...', 'online version: ...', 'schema: 2.0.0', '---'.");
        }

        help.ExternalHelpFile = doc.FrontMatterValue("external help file")
            ?? throw new HelpBuildException(path, 1, "front matter has no 'external help file' (e.g. 'external help file: MlvFabric.dll-Help.xml').");
        if (!help.ExternalHelpFile.EndsWith("-help.xml", StringComparison.OrdinalIgnoreCase) || help.ExternalHelpFile.IndexOfAny(new[] { '/', '\\' }) >= 0)
        {
            throw new HelpBuildException(path, doc.FrontMatter["external help file"].Line,
                $"'external help file: {help.ExternalHelpFile}' must be a file name ending in -help.xml, e.g. MlvFabric.dll-Help.xml.");
        }

        help.ModuleName = doc.FrontMatterValue("Module Name");
        help.OnlineVersion = doc.FrontMatterValue("online version");
        if (help.OnlineVersion is not null && !TextFormatter.IsAbsoluteWebUri(help.OnlineVersion))
        {
            throw new HelpBuildException(path, doc.FrontMatter["online version"].Line, $"'online version: {help.OnlineVersion}' is not an absolute http(s) URL (leave it empty if there is none).");
        }

        var schema = doc.FrontMatterValue("schema");
        if (schema is not null && schema != "2.0.0")
        {
            throw new HelpBuildException(path, doc.FrontMatter["schema"].Line, $"schema {schema} is not supported; platyPS 0.14 writes 'schema: 2.0.0'.");
        }

        if (blocks.Count == 0 || blocks[0].Kind != BlockKind.Heading || blocks[0].Level != 1)
        {
            var line = blocks.Count > 0 ? blocks[0].Line : 1;
            throw new HelpBuildException(path, line, "expected the command name as a level-1 heading ('# Verb-Noun') after the front matter.");
        }

        help.Name = blocks[0].Text;
        var fileName = System.IO.Path.GetFileNameWithoutExtension(path);
        if (!string.Equals(help.Name, fileName, StringComparison.OrdinalIgnoreCase))
        {
            throw new HelpBuildException(path, blocks[0].Line, $"the heading names '{help.Name}' but the file is {fileName}.md: name the file after the command.");
        }

        if (!Regex.IsMatch(help.Name, @"^[A-Za-z]+-[A-Za-z0-9]+$"))
        {
            throw new HelpBuildException(path, blocks[0].Line, $"'{help.Name}' is not a Verb-Noun command name.");
        }

        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var i = 1;
        while (i < blocks.Count)
        {
            var heading = blocks[i];
            if (heading.Kind != BlockKind.Heading)
            {
                throw new HelpBuildException(path, heading.Line, $"text outside a section: expected a '## SECTION' heading ({string.Join(", ", SectionOrder)}).");
            }

            if (heading.Level == 1)
            {
                throw new HelpBuildException(path, heading.Line, $"a second level-1 heading ('# {heading.Text}'): one command per file.");
            }

            if (heading.Level != 2)
            {
                throw new HelpBuildException(path, heading.Line, $"'{new string('#', heading.Level)} {heading.Text}' is outside a section: expected a '## SECTION' heading.");
            }

            var section = heading.Text.Trim().ToUpperInvariant();
            if (!SectionOrder.Contains(section))
            {
                throw new HelpBuildException(path, heading.Line, $"unknown section '## {heading.Text}'; platyPS knows {string.Join(", ", SectionOrder)}.");
            }

            if (seen.TryGetValue(section, out var firstLine))
            {
                throw new HelpBuildException(path, heading.Line, $"section '## {section}' appears twice (first on line {firstLine}).");
            }

            seen[section] = heading.Line;
            var end = i + 1;
            while (end < blocks.Count && !(blocks[end].Kind == BlockKind.Heading && blocks[end].Level <= 2))
            {
                end++;
            }

            var body = blocks.Skip(i + 1).Take(end - i - 1).ToList();
            switch (section)
            {
                case "SYNOPSIS":
                    help.SynopsisLine = heading.Line;
                    help.Synopsis.AddRange(TextOnly(path, body, "SYNOPSIS"));
                    if (help.Synopsis.Count == 0)
                    {
                        throw new HelpBuildException(path, heading.Line, "## SYNOPSIS is empty: write one sentence saying what the command does.");
                    }

                    break;
                case "SYNTAX":
                    ParseSyntax(path, heading, body, help);
                    break;
                case "DESCRIPTION":
                    help.Description.AddRange(TextOnly(path, body, "DESCRIPTION"));
                    break;
                case "EXAMPLES":
                    ParseExamples(path, body, help);
                    break;
                case "PARAMETERS":
                    ParseParameters(path, body, help);
                    break;
                case "INPUTS":
                    help.Inputs.AddRange(ParseTypes(path, body, "INPUTS"));
                    break;
                case "OUTPUTS":
                    help.Outputs.AddRange(ParseTypes(path, body, "OUTPUTS"));
                    break;
                case "NOTES":
                    help.Notes.AddRange(TextOnly(path, body, "NOTES"));
                    break;
                case "RELATED LINKS":
                    ParseLinks(path, body, help);
                    break;
            }

            i = end;
        }

        foreach (var required in new[] { "SYNOPSIS", "SYNTAX" })
        {
            if (!seen.ContainsKey(required))
            {
                throw new HelpBuildException(path, blocks[0].Line, $"no '## {required}' section.");
            }
        }

        CheckParameterSets(path, help);
        return help;
    }

    private static List<string> TextOnly(string path, List<Block> body, string section)
    {
        var heading = body.FirstOrDefault(b => b.Kind == BlockKind.Heading);
        if (heading is not null)
        {
            throw new HelpBuildException(path, heading.Line, $"'{new string('#', heading.Level)} {heading.Text}' inside ## {section}: this section is text only.");
        }

        return TextFormatter.ToParagraphs(body);
    }

    private static void ParseSyntax(string path, Block sectionHeading, List<Block> body, CommandHelp help)
    {
        var i = 0;
        while (i < body.Count)
        {
            var block = body[i];
            if (block.Kind == BlockKind.Code)
            {
                if (help.Syntax.Count > 0 || body.Any(b => b.Kind == BlockKind.Heading))
                {
                    throw new HelpBuildException(path, block.Line, "syntax code block without a '### ParameterSetName' heading (only a command with a single parameter set may omit it).");
                }

                help.Syntax.Add(new SyntaxSet { Name = null, IsDefault = true, Line = block.Line, Code = block.Lines });
                i++;
                continue;
            }

            if (block.Kind == BlockKind.Paragraph)
            {
                throw new HelpBuildException(path, block.Line, "text in ## SYNTAX: expected '### ParameterSetName' followed by a code block.");
            }

            if (block.Level != 3)
            {
                throw new HelpBuildException(path, block.Line, $"'{new string('#', block.Level)} {block.Text}' in ## SYNTAX: parameter sets are level-3 headings ('### SetName').");
            }

            var isDefault = block.Text.EndsWith(DefaultSetSuffix, StringComparison.OrdinalIgnoreCase);
            var name = isDefault ? block.Text.Substring(0, block.Text.Length - DefaultSetSuffix.Length).Trim() : block.Text.Trim();
            if (help.Syntax.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new HelpBuildException(path, block.Line, $"parameter set '{name}' appears twice in ## SYNTAX.");
            }

            if (i + 1 >= body.Count || body[i + 1].Kind != BlockKind.Code)
            {
                throw new HelpBuildException(path, block.Line, $"'### {block.Text}' has no code block with the syntax line.");
            }

            help.Syntax.Add(new SyntaxSet { Name = name, IsDefault = isDefault, Line = block.Line, Code = body[i + 1].Lines });
            i += 2;
        }

        if (help.Syntax.Count == 0)
        {
            throw new HelpBuildException(path, sectionHeading.Line, "## SYNTAX is empty: one '### SetName' heading and code block per parameter set.");
        }

        if (help.Syntax.Count(s => s.IsDefault && s.Name is not null) > 1)
        {
            throw new HelpBuildException(path, help.Syntax.Where(s => s.IsDefault).Skip(1).First().Line, "more than one parameter set is marked (Default).");
        }
    }

    private static void ParseExamples(string path, List<Block> body, CommandHelp help)
    {
        var i = 0;
        while (i < body.Count)
        {
            var heading = body[i];
            if (heading.Kind != BlockKind.Heading)
            {
                throw new HelpBuildException(path, heading.Line, "text in ## EXAMPLES before any example: each example starts with '### Example N: Title'.");
            }

            if (heading.Level != 3)
            {
                throw new HelpBuildException(path, heading.Line, $"'{new string('#', heading.Level)} {heading.Text}' in ## EXAMPLES: examples are level-3 headings ('### Example N: Title').");
            }

            var example = new ExampleHelp { Title = heading.Text, Line = heading.Line };
            var j = i + 1;
            var remarks = new List<Block>();
            var intro = new List<Block>();
            for (; j < body.Count && body[j].Kind != BlockKind.Heading; j++)
            {
                var block = body[j];
                if (block.Kind == BlockKind.Code)
                {
                    example.Code.Add(new CodeBlock { Line = block.Line, Language = block.Language, Lines = block.Lines });
                }
                else if (example.Code.Count == 0)
                {
                    intro.Add(block);
                }
                else
                {
                    remarks.Add(block);
                }
            }

            if (j < body.Count && body[j].Level > 3)
            {
                throw new HelpBuildException(path, body[j].Line, $"'{new string('#', body[j].Level)} {body[j].Text}' inside an example: use text, not headings, in remarks.");
            }

            if (example.Code.Count == 0)
            {
                throw new HelpBuildException(path, heading.Line, $"example '{heading.Text}' has no code block.");
            }

            if (!example.Code.Any(c => c.IsPowerShell))
            {
                throw new HelpBuildException(path, example.Code[0].Line, $"example '{heading.Text}' has no PowerShell code block (```powershell).");
            }

            example.Introduction.AddRange(TextFormatter.ToParagraphs(intro));
            example.Remarks.AddRange(TextFormatter.ToParagraphs(remarks));
            help.Examples.Add(example);
            i = j;
        }
    }

    private static void ParseParameters(string path, List<Block> body, CommandHelp help)
    {
        var i = 0;
        while (i < body.Count)
        {
            var heading = body[i];
            if (heading.Kind != BlockKind.Heading)
            {
                throw new HelpBuildException(path, heading.Line, "text in ## PARAMETERS before any parameter: each parameter starts with '### -Name'.");
            }

            if (heading.Level != 3)
            {
                throw new HelpBuildException(path, heading.Line, $"'{new string('#', heading.Level)} {heading.Text}' in ## PARAMETERS: parameters are level-3 headings ('### -Name').");
            }

            var j = i + 1;
            while (j < body.Count && body[j].Kind != BlockKind.Heading)
            {
                j++;
            }

            if (j < body.Count && body[j].Level > 3)
            {
                throw new HelpBuildException(path, body[j].Line, $"'{new string('#', body[j].Level)} {body[j].Text}' inside a parameter: use text, not headings.");
            }

            var content = body.Skip(i + 1).Take(j - i - 1).ToList();
            var title = heading.Text.Trim();
            if (title.Equals("CommonParameters", StringComparison.OrdinalIgnoreCase) || title.Equals("WorkflowParameters", StringComparison.OrdinalIgnoreCase))
            {
                if (title.Equals("CommonParameters", StringComparison.OrdinalIgnoreCase))
                {
                    help.SupportsCommonParameters = true;
                }

                i = j;
                continue;
            }

            if (!title.StartsWith('-') || title.Length < 2 || title.Substring(1).Any(c => !(char.IsLetterOrDigit(c) || c == '_')))
            {
                throw new HelpBuildException(path, heading.Line, $"'### {title}': a parameter heading is '### -Name' (or '### CommonParameters').");
            }

            var parameter = new ParameterHelp { Name = title.Substring(1), Line = heading.Line };
            if (help.Parameters.Any(p => p.Name.Equals(parameter.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new HelpBuildException(path, heading.Line, $"parameter -{parameter.Name} is documented twice.");
            }

            var description = new List<Block>();
            foreach (var block in content)
            {
                if (block.Kind == BlockKind.Code && block.Language == "yaml")
                {
                    parameter.Metadata.Add(ParseYaml(path, block, parameter.Name));
                }
                else if (parameter.Metadata.Count > 0)
                {
                    throw new HelpBuildException(path, block.Line, $"-{parameter.Name}: text after the ```yaml block; the description goes between the heading and the yaml.");
                }
                else
                {
                    description.Add(block);
                }
            }

            if (parameter.Metadata.Count == 0)
            {
                throw new HelpBuildException(path, heading.Line, $"-{parameter.Name} has no ```yaml block (Type, Parameter Sets, Aliases, Required, Position, Default value, Accept pipeline input, Accept wildcard characters).");
            }

            if (parameter.Metadata.Select(m => m.Type).Distinct(StringComparer.OrdinalIgnoreCase).Count() > 1)
            {
                throw new HelpBuildException(path, parameter.Metadata[1].Line, $"-{parameter.Name}: its yaml blocks disagree on Type.");
            }

            parameter.Description.AddRange(TextFormatter.ToParagraphs(description));
            help.Parameters.Add(parameter);
            i = j;
        }
    }

    private static ParameterMetadata ParseYaml(string path, Block block, string parameterName)
    {
        var values = new Dictionary<string, (string Value, int Line)>(StringComparer.OrdinalIgnoreCase);
        for (var k = 0; k < block.Lines.Count; k++)
        {
            var line = block.Lines[k];
            var lineNumber = block.Line + 1 + k;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw new HelpBuildException(path, lineNumber, $"-{parameterName}: yaml line '{line.Trim()}' is not 'Key: value'.");
            }

            var key = line.Substring(0, colon).Trim();
            var value = line.Substring(colon + 1).Trim();
            var known = YamlKeys.FirstOrDefault(k2 => k2.Equals(key, StringComparison.OrdinalIgnoreCase));
            if (known is null)
            {
                throw new HelpBuildException(path, lineNumber, $"-{parameterName}: unknown yaml key '{key}'; platyPS knows {string.Join(", ", YamlKeys)}.");
            }

            if (values.ContainsKey(known))
            {
                throw new HelpBuildException(path, lineNumber, $"-{parameterName}: yaml key '{known}' appears twice.");
            }

            values[known] = (value, lineNumber);
        }

        foreach (var key in RequiredYamlKeys)
        {
            if (!values.ContainsKey(key))
            {
                throw new HelpBuildException(path, block.Line, $"-{parameterName}: the yaml block has no '{key}:' line.");
            }
        }

        var metadata = new ParameterMetadata { Line = block.Line };

        (var type, var typeLine) = values["Type"];
        if (type.Length == 0)
        {
            throw new HelpBuildException(path, typeLine, $"-{parameterName}: 'Type:' is empty.");
        }

        metadata.Type = type;

        (var sets, var setsLine) = values["Parameter Sets"];
        if (sets.Equals("(All)", StringComparison.OrdinalIgnoreCase))
        {
            metadata.AllSets = true;
        }
        else
        {
            metadata.ParameterSets.AddRange(SplitList(sets));
            if (metadata.ParameterSets.Count == 0)
            {
                throw new HelpBuildException(path, setsLine, $"-{parameterName}: 'Parameter Sets:' is empty; write (All) or the set names.");
            }
        }

        (var aliases, _) = values["Aliases"];
        if (!aliases.Equals("None", StringComparison.OrdinalIgnoreCase))
        {
            metadata.Aliases.AddRange(SplitList(aliases));
        }

        if (values.TryGetValue("Accepted values", out var accepted))
        {
            metadata.AcceptedValues.AddRange(SplitList(accepted.Value));
        }

        metadata.Required = ParseBool(path, values["Required"], parameterName, "Required");

        (var position, var positionLine) = values["Position"];
        if (!position.Equals("Named", StringComparison.OrdinalIgnoreCase) && !(int.TryParse(position, out var p) && p >= 0))
        {
            throw new HelpBuildException(path, positionLine, $"-{parameterName}: 'Position: {position}' must be Named or a number from 0.");
        }

        metadata.Position = position.Equals("Named", StringComparison.OrdinalIgnoreCase) ? "Named" : position;

        (var defaultValue, _) = values["Default value"];
        metadata.DefaultValue = defaultValue.Length == 0 ? "None" : defaultValue;

        (var pipeline, var pipelineLine) = values["Accept pipeline input"];
        var pipelineMatch = PipelineInputValue.Match(pipeline);
        if (!pipelineMatch.Success)
        {
            throw new HelpBuildException(path, pipelineLine,
                $"-{parameterName}: 'Accept pipeline input: {pipeline}' must be False, True (ByValue), True (ByPropertyName) or True (ByValue, ByPropertyName).");
        }

        metadata.PipelineInput = pipeline;
        var accepts = pipeline.StartsWith("True", StringComparison.OrdinalIgnoreCase);
        var kinds = pipelineMatch.Groups["kinds"].Captures.Select(c => c.Value).ToList();
        if (accepts && kinds.Count == 0)
        {
            throw new HelpBuildException(path, pipelineLine, $"-{parameterName}: 'Accept pipeline input: True' must say how: True (ByValue), True (ByPropertyName) or True (ByValue, ByPropertyName).");
        }

        metadata.ByValue = kinds.Contains("ByValue", StringComparer.OrdinalIgnoreCase);
        metadata.ByPropertyName = kinds.Contains("ByPropertyName", StringComparer.OrdinalIgnoreCase);
        metadata.Globbing = ParseBool(path, values["Accept wildcard characters"], parameterName, "Accept wildcard characters");
        return metadata;
    }

    private static bool ParseBool(string path, (string Value, int Line) entry, string parameterName, string key)
    {
        if (entry.Value.Equals("True", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (entry.Value.Equals("False", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        throw new HelpBuildException(path, entry.Line,
            $"-{parameterName}: '{key}: {entry.Value}' must be True or False (a parameter that differs between sets gets one yaml block per set).");
    }

    private static List<TypeHelp> ParseTypes(string path, List<Block> body, string section)
    {
        var result = new List<TypeHelp>();
        var i = 0;
        while (i < body.Count)
        {
            var heading = body[i];
            if (heading.Kind != BlockKind.Heading || heading.Level != 3)
            {
                throw new HelpBuildException(path, heading.Line, $"## {section} holds '### TypeName' headings, each followed by text (use '### None' for none).");
            }

            var j = i + 1;
            while (j < body.Count && body[j].Kind != BlockKind.Heading)
            {
                j++;
            }

            var type = new TypeHelp { TypeName = heading.Text.Trim(), Line = heading.Line };
            type.Description.AddRange(TextFormatter.ToParagraphs(body.Skip(i + 1).Take(j - i - 1)));
            result.Add(type);
            i = j;
        }

        return result;
    }

    private static void ParseLinks(string path, List<Block> body, CommandHelp help)
    {
        foreach (var block in body)
        {
            if (block.Kind != BlockKind.Paragraph)
            {
                throw new HelpBuildException(path, block.Line, "## RELATED LINKS holds only '[text](uri)' lines.");
            }

            for (var k = 0; k < block.Lines.Count; k++)
            {
                var rest = block.Lines[k];
                var lineNumber = block.Line + k;
                if (rest.Trim().Length == 0)
                {
                    continue;
                }

                while (rest.Trim().Length > 0)
                {
                    var link = LinkLine.Match(rest);
                    if (!link.Success)
                    {
                        throw new HelpBuildException(path, lineNumber, $"'{rest.Trim()}' in ## RELATED LINKS is not a '[text](uri)' link.");
                    }

                    help.Links.Add(new LinkHelp { Text = link.Groups["text"].Value.Trim(), Uri = link.Groups["uri"].Value, Line = lineNumber });
                    rest = rest.Substring(link.Length);
                }
            }
        }
    }

    private static void CheckParameterSets(string path, CommandHelp help)
    {
        if (!help.HasNamedSets)
        {
            foreach (var parameter in help.Parameters)
            {
                if (parameter.Metadata.Count > 1 || !parameter.Metadata[0].AllSets)
                {
                    var bad = parameter.Metadata.FirstOrDefault(m => !m.AllSets) ?? parameter.Metadata[1];
                    throw new HelpBuildException(path, bad.Line,
                        $"-{parameter.Name} names parameter sets, but ## SYNTAX has a single unnamed set: write 'Parameter Sets: (All)', or give SYNTAX a '### SetName' heading per set.");
                }
            }

            return;
        }

        var known = help.Syntax.Select(s => s.Name!).ToList();
        foreach (var parameter in help.Parameters)
        {
            var claimed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var metadata in parameter.Metadata)
            {
                if (metadata.AllSets && parameter.Metadata.Count(m => m.AllSets) > 1)
                {
                    throw new HelpBuildException(path, metadata.Line, $"-{parameter.Name}: more than one yaml block says 'Parameter Sets: (All)'.");
                }

                foreach (var set in metadata.ParameterSets)
                {
                    if (!known.Contains(set, StringComparer.OrdinalIgnoreCase))
                    {
                        throw new HelpBuildException(path, metadata.Line,
                            $"-{parameter.Name}: parameter set '{set}' is not in ## SYNTAX ({string.Join(", ", known)}).");
                    }

                    if (!claimed.Add(set))
                    {
                        throw new HelpBuildException(path, metadata.Line, $"-{parameter.Name}: parameter set '{set}' is named by two yaml blocks.");
                    }
                }
            }
        }
    }

    private static List<string> SplitList(string value) =>
        value.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
}
