using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using MlvFabric.HelpBuilder.Model;

namespace MlvFabric.HelpBuilder;

/// <summary>
/// Writes MAML the way platyPS 0.14 New-ExternalHelp does (command:command per cmdlet: details with the synopsis,
/// description, syntax items per parameter set, parameters, input types, return values, notes, examples, related
/// links), so Get-Help -Full/-Examples/-Parameter read it on Windows PowerShell 5.1 and PowerShell 7.
/// </summary>
public static class MamlWriter
{
    public static readonly XNamespace Msh = "http://msh";
    public static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    public static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    public static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    public static readonly XNamespace MSHelp = "http://msdn.microsoft.com/mshelp";

    public static XDocument ToDocument(IEnumerable<CommandHelp> commands) =>
        new(
            new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems",
                new XAttribute("schema", "maml"),
                new XAttribute(XNamespace.Xmlns + "maml", Maml),
                new XAttribute(XNamespace.Xmlns + "command", Command),
                new XAttribute(XNamespace.Xmlns + "dev", Dev),
                new XAttribute(XNamespace.Xmlns + "MSHelp", MSHelp),
                commands.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Select(CommandElement)));

    /// <summary>The document as UTF-8 (with a byte order mark, which Windows PowerShell 5.1 reads reliably).</summary>
    public static byte[] ToBytes(XDocument document)
    {
        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true),
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\r\n",
            NewLineHandling = NewLineHandling.Replace,
        };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
        {
            document.Save(writer);
        }

        return stream.ToArray();
    }

    public static XElement CommandElement(CommandHelp command)
    {
        var verb = command.Name.Split('-')[0];
        var noun = command.Name.Substring(Math.Min(verb.Length + 1, command.Name.Length));

        var links = new List<XElement>();
        if (command.OnlineVersion is not null)
        {
            // platyPS puts the online version first: Get-Help -Online opens the first link's URI.
            links.Add(Link("Online Version:", command.OnlineVersion));
        }

        links.AddRange(command.Links.Select(l => Link(l.Text, l.IsAbsolute ? l.Uri : "")));

        return new XElement(Command + "command",
            new XElement(Command + "details",
                new XElement(Command + "name", command.Name),
                new XElement(Command + "verb", verb),
                new XElement(Command + "noun", noun),
                new XElement(Maml + "description", Paras(command.Synopsis))),
            new XElement(Maml + "description", Paras(command.Description)),
            new XElement(Command + "syntax", command.Syntax.Select(set => SyntaxItem(command, set))),
            new XElement(Command + "parameters", command.Parameters.Select(p => Parameter(p, p.Metadata[0], inSyntax: false))),
            new XElement(Command + "inputTypes", command.Inputs.Select(t => TypeEntry("inputType", t))),
            new XElement(Command + "returnValues", command.Outputs.Select(t => TypeEntry("returnValue", t))),
            new XElement(Maml + "alertSet",
                new XElement(Maml + "alert", Paras(command.Notes))),
            new XElement(Command + "examples", command.Examples.Select(Example)),
            new XElement(Command + "relatedLinks", links));
    }

    private static XElement SyntaxItem(CommandHelp command, SyntaxSet set) =>
        new(Command + "syntaxItem",
            new XElement(Maml + "name", command.Name),
            command.ParametersOf(set).Select(p => Parameter(p.Parameter, p.Metadata, inSyntax: true)));

    private static XElement Parameter(ParameterHelp parameter, ParameterMetadata metadata, bool inSyntax)
    {
        var type = metadata.IsSwitch ? "SwitchParameter" : metadata.Type;
        var defaultValue = metadata.IsSwitch && metadata.DefaultValue.Equals("None", StringComparison.OrdinalIgnoreCase) ? "False" : metadata.DefaultValue;

        return new XElement(Command + "parameter",
            new XAttribute("required", metadata.Required ? "true" : "false"),
            new XAttribute("variableLength", "true"),
            new XAttribute("globbing", metadata.Globbing ? "true" : "false"),
            new XAttribute("pipelineInput", metadata.PipelineInput),
            new XAttribute("position", metadata.Position.ToLowerInvariant()),
            new XAttribute("aliases", metadata.Aliases.Count > 0 ? string.Join(", ", metadata.Aliases) : "none"),
            new XElement(Maml + "name", parameter.Name),
            new XElement(Maml + "description", Paras(parameter.Description)),
            inSyntax && metadata.AcceptedValues.Count > 0
                ? new XElement(Command + "parameterValueGroup",
                    metadata.AcceptedValues.Select(v => new XElement(Command + "parameterValue",
                        new XAttribute("required", "false"),
                        new XAttribute("variableLength", "false"),
                        v)))
                : null,
            // As in platyPS: a switch shows no value in syntax.
            !inSyntax || !metadata.IsSwitch
                ? new XElement(Command + "parameterValue",
                    new XAttribute("required", metadata.IsSwitch ? "false" : "true"),
                    new XAttribute("variableLength", "false"),
                    type)
                : null,
            new XElement(Dev + "type",
                new XElement(Maml + "name", type),
                new XElement(Maml + "uri")),
            new XElement(Dev + "defaultValue", defaultValue));
    }

    private static XElement TypeEntry(string element, TypeHelp type) =>
        new(Command + element,
            new XElement(Dev + "type",
                new XElement(Maml + "name", type.TypeName)),
            new XElement(Maml + "description", Paras(type.Description)));

    private static XElement Example(ExampleHelp example)
    {
        // platyPS drops an example's introduction (text between title and code); it is kept here, before the remarks.
        var remarks = new List<string>(example.Introduction);
        remarks.AddRange(example.Remarks);

        // A trailing empty paragraph gives Get-Help a blank line before the next example's title.
        remarks.Add("");
        return new XElement(Command + "example",
            new XElement(Maml + "title", PadExampleTitle(example.Title)),
            new XElement(Dev + "code", string.Join("\n\n", example.Code.Select(c => c.Text))),
            new XElement(Dev + "remarks", Paras(remarks)));
    }

    private static XElement Link(string text, string uri) =>
        new(Maml + "navigationLink",
            new XElement(Maml + "linkText", text),
            new XElement(Maml + "uri", uri));

    private static IEnumerable<XElement> Paras(IEnumerable<string> lines) =>
        lines.Select(line => new XElement(Maml + "para", line));

    /// <summary>platyPS pads example titles with dashes to 64 characters for readability in Get-Help.</summary>
    public static string PadExampleTitle(string title)
    {
        if (string.IsNullOrWhiteSpace(title) || title.Length >= 62)
        {
            return title;
        }

        var padLength = (64 - title.Length - 2) / 2;
        var dashes = new string('-', padLength);
        return dashes + " " + title + " " + dashes;
    }
}
