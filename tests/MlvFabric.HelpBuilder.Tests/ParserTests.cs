using System.Collections.Generic;
using System.Linq;
using MlvFabric.HelpBuilder.Markdown;
using MlvFabric.HelpBuilder.Model;
using Xunit;

namespace MlvFabric.HelpBuilder.Tests;

public sealed class ParserTests
{
    private static CommandHelp Widget => CommandHelpParser.Parse("docs/Set-Widget.md", Samples.SetWidget);

    /// <summary>The DESCRIPTION paragraphs a minimal help file with <paramref name="markdown"/> as its description gets.</summary>
    private static List<string> Description(string markdown) =>
        CommandHelpParser.Parse("docs/Get-Widget.md",
            "---\nexternal help file: Widgets.dll-Help.xml\n---\n\n# Get-Widget\n\n## SYNOPSIS\nGets widgets.\n\n## SYNTAX\n\n```\nGet-Widget\n```\n\n## DESCRIPTION\n"
            + markdown + "\n").Description;

    [Fact]
    public void ReadsFrontMatterNameAndSynopsis()
    {
        var help = Widget;

        Assert.Equal("Set-Widget", help.Name);
        Assert.Equal("Widgets.dll-Help.xml", help.ExternalHelpFile);
        Assert.Equal("Widgets", help.ModuleName);
        Assert.Equal("https://example.test/Set-Widget", help.OnlineVersion);
        Assert.Equal(new[] { "Changes a widget." }, help.Synopsis);
    }

    [Fact]
    public void DescriptionJoinsSoftWrapsKeepsListsAndCode()
    {
        var help = Widget;

        Assert.Equal(
            new[]
            {
                "The Set-Widget cmdlet changes widgets that already exist.",
                "It never creates one:\n- by name, with wildcards\n- by id",
                "    Get-Widget | Set-Widget -Size 2",
            },
            help.Description);
    }

    [Fact]
    public void ReadsSyntaxSetsWithDefaultMarker()
    {
        var help = Widget;

        Assert.Equal(new[] { "ByName", "ById" }, help.Syntax.Select(s => s.Name));
        Assert.True(help.Syntax[0].IsDefault);
        Assert.False(help.Syntax[1].IsDefault);
        Assert.StartsWith("Set-Widget [-Name] <String[]>", help.Syntax[0].Code[0]);
    }

    [Fact]
    public void ReadsParameterMetadataIncludingOneBlockPerSet()
    {
        var help = Widget;

        Assert.Equal(new[] { "Name", "Id", "Size", "Force", "Confirm", "WhatIf" }, help.Parameters.Select(p => p.Name));
        Assert.True(help.SupportsCommonParameters);

        var name = help.Parameters[0].Metadata.Single();
        Assert.Equal("String[]", name.Type);
        Assert.Equal(new[] { "ByName" }, name.ParameterSets);
        Assert.Equal(new[] { "WidgetName", "N" }, name.Aliases);
        Assert.True(name.Required);
        Assert.Equal(0, name.PositionNumber);
        Assert.True(name.ByValue);
        Assert.True(name.ByPropertyName);
        Assert.True(name.Globbing);
        Assert.Equal(new[] { "Names of the widgets. Wildcards are allowed." }, help.Parameters[0].Description);

        var size = help.Parameters[2];
        Assert.Equal(2, size.Metadata.Count);
        Assert.False(size.MetadataFor("ByName")!.Required);
        Assert.True(size.MetadataFor("byid")!.Required);
        Assert.Equal("1", size.Metadata[0].DefaultValue);

        var id = help.Parameters[1].Metadata.Single();
        Assert.Empty(id.Aliases);
        Assert.False(id.ByValue);
        Assert.True(id.ByPropertyName);
        Assert.Null(id.PositionNumber);

        var force = help.Parameters[3].Metadata.Single();
        Assert.True(force.AllSets);
        Assert.True(force.IsSwitch);
        Assert.Same(force, help.Parameters[3].MetadataFor("ById"));
    }

    [Fact]
    public void ParametersOfASetComeWithThatSetsMetadataPositionalFirst()
    {
        var help = Widget;

        var byName = help.ParametersOf(help.Syntax[0]);
        Assert.Equal(new[] { "Name", "Size", "Force", "Confirm", "WhatIf" }, byName.Select(p => p.Parameter.Name));
        Assert.False(byName.Single(p => p.Parameter.Name == "Size").Metadata.Required);

        var byId = help.ParametersOf(help.Syntax[1]);
        Assert.Equal(new[] { "Id", "Size", "Force", "Confirm", "WhatIf" }, byId.Select(p => p.Parameter.Name));
        Assert.True(byId.Single(p => p.Parameter.Name == "Size").Metadata.Required);
    }

    [Fact]
    public void ReadsExamplesWithIntroductionCodeOutputAndRemarks()
    {
        var help = Widget;

        Assert.Equal(2, help.Examples.Count);
        var first = help.Examples[0];
        Assert.Equal("Example 1: Resize a widget", first.Title);
        Assert.Equal(new[] { "powershell", "output" }, first.Code.Select(c => c.Language));
        Assert.Equal("Set-Widget -Name 'Blue*' -Size 3", first.PowerShellCode);
        Assert.Equal(new[] { "Resizes every widget whose name starts with Blue. See the docs (https://example.test/docs) for more." }, first.Remarks);
        Assert.Empty(first.Introduction);

        var second = help.Examples[1];
        Assert.Equal(new[] { "Widgets can come from Get-Widget." }, second.Introduction);
        Assert.Equal("Get-Widget -Id 5 |\n    Set-Widget -Size 1", second.PowerShellCode);
        Assert.Empty(second.Remarks);
    }

    [Fact]
    public void ReadsInputsOutputsNotesAndLinks()
    {
        var help = Widget;

        Assert.Equal(new[] { "System.String[]", "System.Guid" }, help.Inputs.Select(i => i.TypeName));
        Assert.Equal(new[] { "Widget names." }, help.Inputs[0].Description);
        Assert.Empty(help.Inputs[1].Description);
        Assert.Equal("Widgets.Widget", help.Outputs.Single().TypeName);
        Assert.Equal(new[] { "Needs the Widgets service." }, help.Notes);
        Assert.Equal(new[] { ("Get-Widget", "Get-Widget.md", false), ("Online docs", "https://example.test/widgets", true) },
            help.Links.Select(l => (l.Text, l.Uri, l.IsAbsolute)));
    }

    [Fact]
    public void SingleUnnamedSyntaxBlockIsOneSetForAllParameters()
    {
        var md = """
            ---
            external help file: Widgets.dll-Help.xml
            schema: 2.0.0
            ---

            # Get-Widget

            ## SYNOPSIS
            Gets widgets.

            ## SYNTAX

            ```
            Get-Widget [-All] [<CommonParameters>]
            ```

            ## PARAMETERS

            ### -All
            Everything.

            ```yaml
            Type: SwitchParameter
            Parameter Sets: (All)
            Aliases:

            Required: False
            Position: Named
            Default value: None
            Accept pipeline input: False
            Accept wildcard characters: False
            ```
            """;

        var help = CommandHelpParser.Parse("Get-Widget.md", md);

        var set = Assert.Single(help.Syntax);
        Assert.Null(set.Name);
        Assert.False(help.HasNamedSets);
        Assert.Equal("All", Assert.Single(help.ParametersOf(set)).Parameter.Name);
    }

    [Theory]
    [InlineData("Plain **bold** and __strong__ text", "Plain bold and strong text")]
    [InlineData("A [link](https://x.test/a) and [another](Other.md)", "A link (https://x.test/a) and another")]
    [InlineData("Keep `**code**` and `a [b](c)` as written", "Keep `**code**` and `a [b](c)` as written")]
    [InlineData(@"Escapes: \<name\> \* \_x\_ \\", @"Escapes: <name> * _x_ \")]
    [InlineData("Wildcards *-MlvSchedule and Get-* stay", "Wildcards *-MlvSchedule and Get-* stay")]
    [InlineData("Autolink <https://x.test/> here", "Autolink https://x.test/ here")]
    [InlineData("[https://x.test/](https://x.test/)", "https://x.test/")]
    public void InlineMarkupIsReducedToPlainText(string markdown, string expected)
    {
        Assert.Equal(new[] { expected }, Description(markdown));
    }

    [Fact]
    public void HardBreaksAndTablesKeepTheirLines()
    {
        Assert.Equal(new[] { "first line\nsecond line joined\n| a | b |\n| 1 | 2 |" },
            Description("first line  \nsecond line\njoined\n| a | b |\n| 1 | 2 |"));
    }

    [Fact]
    public void ListItemsKeepTheirLinesAndNestingAndBlankLinesSplitParagraphs()
    {
        Assert.Equal(new[] { "Steps:\n1. one continued\n2. two\n   - sub", "* loose item" },
            Description("Steps:\n1. one\n   continued\n2. two\n   - sub\n\n* loose item"));
    }

    [Fact]
    public void CommentRightUnderTextIsDroppedToo()
    {
        Assert.Equal(new[] { "Text." }, Description("Text.\n<!-- a note for authors -->"));
    }

    [Fact]
    public void ReferenceLinksShowTheirUriAndTheirDefinitionsPrintNothing()
    {
        Assert.Equal(new[] { "See the docs (https://x.test/docs)." }, Description("See [the docs][d].\n\n[d]: https://x.test/docs"));
    }

    [Fact]
    public void HtmlCommentsBetweenBlocksAreDropped()
    {
        var doc = MarkdownDocument.Parse("x.md", "# T\n\n<!-- a note\nfor authors -->\n\ntext\n");
        Assert.Equal(new[] { BlockKind.Heading, BlockKind.Paragraph }, doc.Blocks.Select(b => b.Kind));
    }

    [Fact]
    public void CrLfAndBomAreAccepted()
    {
        var md = "\uFEFF" + Samples.SetWidget.Replace("\n", "\r\n");
        var help = CommandHelpParser.Parse("docs/Set-Widget.md", md);
        Assert.Equal("Set-Widget", help.Name);
        Assert.Equal("Set-Widget -Name 'Blue*' -Size 3", help.Examples[0].PowerShellCode);
    }
}
