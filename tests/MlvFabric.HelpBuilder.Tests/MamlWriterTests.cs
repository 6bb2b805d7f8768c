using System.Linq;
using System.Text;
using System.Xml.Linq;
using Xunit;

namespace MlvFabric.HelpBuilder.Tests;

/// <summary>The MAML has the shape platyPS 0.14's New-ExternalHelp writes.</summary>
public sealed class MamlWriterTests
{
    private static readonly XNamespace Maml = MamlWriter.Maml;
    private static readonly XNamespace Command = MamlWriter.Command;
    private static readonly XNamespace Dev = MamlWriter.Dev;

    private static XElement WidgetCommand()
    {
        var help = CommandHelpParser.Parse("docs/Set-Widget.md", Samples.SetWidget);
        var doc = XDocument.Load(new System.IO.MemoryStream(MamlWriter.ToBytes(MamlWriter.ToDocument(new[] { help }))));
        Assert.Equal(MamlWriter.Msh + "helpItems", doc.Root!.Name);
        Assert.Equal("maml", doc.Root.Attribute("schema")!.Value);
        return Assert.Single(doc.Root.Elements(Command + "command"));
    }

    private static string Paras(XElement? parent) =>
        string.Join("|", parent!.Elements(Maml + "para").Select(p => p.Value));

    [Fact]
    public void DetailsCarryNameVerbNounAndSynopsis()
    {
        var details = WidgetCommand().Element(Command + "details")!;

        Assert.Equal("Set-Widget", details.Element(Command + "name")!.Value);
        Assert.Equal("Set", details.Element(Command + "verb")!.Value);
        Assert.Equal("Widget", details.Element(Command + "noun")!.Value);
        Assert.Equal("Changes a widget.", Paras(details.Element(Maml + "description")));
    }

    [Fact]
    public void SectionsComeInPlatyPSOrder()
    {
        Assert.Equal(
            new[] { "details", "description", "syntax", "parameters", "inputTypes", "returnValues", "alertSet", "examples", "relatedLinks" },
            WidgetCommand().Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public void OneSyntaxItemPerSetWithThatSetsAttributes()
    {
        var items = WidgetCommand().Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToArray();

        Assert.Equal(2, items.Length);
        Assert.All(items, i => Assert.Equal("Set-Widget", i.Element(Maml + "name")!.Value));

        var byName = items[0].Elements(Command + "parameter").ToArray();
        Assert.Equal(new[] { "Name", "Size", "Force", "Confirm", "WhatIf" }, byName.Select(p => p.Element(Maml + "name")!.Value));
        var name = byName[0];
        Assert.Equal("true", name.Attribute("required")!.Value);
        Assert.Equal("0", name.Attribute("position")!.Value);
        Assert.Equal("True (ByValue, ByPropertyName)", name.Attribute("pipelineInput")!.Value);
        Assert.Equal("true", name.Attribute("globbing")!.Value);
        Assert.Equal("WidgetName, N", name.Attribute("aliases")!.Value);
        Assert.Equal("String[]", name.Element(Command + "parameterValue")!.Value);
        Assert.Equal("false", byName[1].Attribute("required")!.Value);
        Assert.Equal("named", byName[1].Attribute("position")!.Value);

        // A switch shows no value in syntax.
        Assert.Null(byName[2].Element(Command + "parameterValue"));

        var byId = items[1].Elements(Command + "parameter").ToArray();
        Assert.Equal(new[] { "Id", "Size", "Force", "Confirm", "WhatIf" }, byId.Select(p => p.Element(Maml + "name")!.Value));
        Assert.Equal("true", byId[1].Attribute("required")!.Value);
        Assert.Equal("none", byId[0].Attribute("aliases")!.Value);
    }

    [Fact]
    public void ParametersSectionHasEachParameterOnceWithTypeAndDefault()
    {
        var parameters = WidgetCommand().Element(Command + "parameters")!.Elements(Command + "parameter").ToArray();

        Assert.Equal(new[] { "Name", "Id", "Size", "Force", "Confirm", "WhatIf" }, parameters.Select(p => p.Element(Maml + "name")!.Value));
        Assert.Equal("Guid", parameters[1].Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("1", parameters[2].Element(Dev + "defaultValue")!.Value);
        Assert.Equal("False", parameters[3].Element(Dev + "defaultValue")!.Value);
        Assert.Equal("SwitchParameter", parameters[3].Element(Command + "parameterValue")!.Value);
        Assert.Equal("false", parameters[3].Element(Command + "parameterValue")!.Attribute("required")!.Value);
        Assert.Equal("cf", parameters[4].Attribute("aliases")!.Value);
        Assert.Equal("Names of the widgets. Wildcards are allowed.", Paras(parameters[0].Element(Maml + "description")));
    }

    [Fact]
    public void DescriptionNotesInputsAndOutputs()
    {
        var command = WidgetCommand();

        Assert.Equal("The Set-Widget cmdlet changes widgets that already exist.|It never creates one:\n- by name, with wildcards\n- by id|    Get-Widget | Set-Widget -Size 2",
            Paras(command.Element(Maml + "description")).Replace("\r\n", "\n"));
        Assert.Equal("Needs the Widgets service.", Paras(command.Element(Maml + "alertSet")!.Element(Maml + "alert")));
        Assert.Equal(new[] { "System.String[]", "System.Guid" },
            command.Element(Command + "inputTypes")!.Elements(Command + "inputType").Select(t => t.Element(Dev + "type")!.Element(Maml + "name")!.Value));
        var output = command.Element(Command + "returnValues")!.Elements(Command + "returnValue").Single();
        Assert.Equal("Widgets.Widget", output.Element(Dev + "type")!.Element(Maml + "name")!.Value);
        Assert.Equal("The changed widget.", Paras(output.Element(Maml + "description")));
    }

    [Fact]
    public void ExamplesHavePaddedTitlesCodeAndRemarks()
    {
        var examples = WidgetCommand().Element(Command + "examples")!.Elements(Command + "example").ToArray();

        Assert.Equal(2, examples.Length);
        var title = examples[0].Element(Maml + "title")!.Value;
        Assert.Equal(MamlWriter.PadExampleTitle("Example 1: Resize a widget"), title);
        Assert.Matches(@"^-+ Example 1: Resize a widget -+$", title);
        Assert.Equal("Set-Widget -Name 'Blue*' -Size 3\n\nName Size\n---- ----\nBlue 3", examples[0].Element(Dev + "code")!.Value.Replace("\r\n", "\n"));
        Assert.Equal("Resizes every widget whose name starts with Blue. See the docs (https://example.test/docs) for more.|",
            Paras(examples[0].Element(Dev + "remarks")));
        Assert.Equal("Widgets can come from Get-Widget.|", Paras(examples[1].Element(Dev + "remarks")));
    }

    [Fact]
    public void RelatedLinksStartWithTheOnlineVersionAndKeepRelativeLinksAsText()
    {
        var links = WidgetCommand().Element(Command + "relatedLinks")!.Elements(Maml + "navigationLink")
            .Select(l => (l.Element(Maml + "linkText")!.Value, l.Element(Maml + "uri")!.Value)).ToArray();

        Assert.Equal(new[]
        {
            ("Online Version:", "https://example.test/Set-Widget"),
            ("Get-Widget", ""),
            ("Online docs", "https://example.test/widgets"),
        }, links);
    }

    [Fact]
    public void LongTitlesAreNotPadded()
    {
        var title = new string('x', 62);
        Assert.Equal(title, MamlWriter.PadExampleTitle(title));
    }

    [Fact]
    public void OutputIsUtf8WithByteOrderMark()
    {
        var help = CommandHelpParser.Parse("docs/Set-Widget.md", Samples.SetWidget.Replace("Changes a widget.", "Changes a widget — über."));
        var bytes = MamlWriter.ToBytes(MamlWriter.ToDocument(new[] { help }));

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes.Take(3));
        Assert.Contains("Changes a widget — über.", Encoding.UTF8.GetString(bytes));
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
    }
}
