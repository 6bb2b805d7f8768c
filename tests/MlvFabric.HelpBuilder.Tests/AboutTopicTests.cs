using System;
using Xunit;

namespace MlvFabric.HelpBuilder.Tests;

public sealed class AboutTopicTests
{
    private static string[] Lines(string text) => text.Replace("\r\n", "\n").TrimEnd('\n').Split('\n');

    [Fact]
    public void LaysOutTheTopicAsPlatyPSDoes()
    {
        var lines = Lines(AboutTopicWriter.Convert("docs/about_Widgets.md", Samples.AboutWidgets));

        Assert.Equal("TOPIC", lines[0]);
        Assert.Equal("    about_widgets", lines[1]);
        Assert.Equal("", lines[2]);
        Assert.Equal("SHORT DESCRIPTION", lines[3]);
        Assert.Equal("    Widgets in short.", lines[4]);
        Assert.Contains("LONG DESCRIPTION", lines);
        Assert.Contains("Sizes", lines);
        Assert.Contains("    DETAILS", lines);
        Assert.Contains("    Get-Widget | Set-Widget -Size 2", lines);
        Assert.Contains("SEE ALSO", lines);
        Assert.Equal("    Set-Widget", lines[^1]);
    }

    [Fact]
    public void WrapsTextToEightyColumnsWithHangingListItems()
    {
        var lines = Lines(AboutTopicWriter.Convert("docs/about_Widgets.md", Samples.AboutWidgets));

        Assert.All(lines, l => Assert.True(l.Length < 80, $"'{l}' is {l.Length} characters"));
        var item = Array.FindIndex(lines, l => l.StartsWith("    - small widgets", StringComparison.Ordinal));
        Assert.True(item > 0);
        Assert.StartsWith("      ", lines[item + 1]);
        Assert.NotEqual("-", lines[item + 1].Trim().Substring(0, 1));
        Assert.Equal("    - large ones don't", lines[item + 2]);
        Assert.Contains(lines, l => l.StartsWith("    Widgets are small things", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("eighty columns.", StringComparison.Ordinal));
    }

    [Fact]
    public void SecondHeadingMustNameTheTopic()
    {
        var ex = Assert.Throws<HelpBuildException>(() =>
            AboutTopicWriter.Convert("docs/about_Widgets.md", Samples.AboutWidgets.Replace("## about_Widgets", "## about_Gadgets")));
        Assert.Equal(3, ex.Line);
        Assert.Contains("about_Widgets", ex.Message);
    }

    [Fact]
    public void TopicWithoutFileNameHeadingIsRejected()
    {
        var ex = Assert.Throws<HelpBuildException>(() =>
            AboutTopicWriter.Convert("docs/about_Widgets.md", Samples.AboutWidgets.Replace("## about_Widgets\n\n", "")));
        Assert.Contains("second heading", ex.Message);
    }

    [Fact]
    public void TopicWithoutShortDescriptionIsRejected()
    {
        var ex = Assert.Throws<HelpBuildException>(() =>
            AboutTopicWriter.Convert("docs/about_Widgets.md", Samples.AboutWidgets.Replace("# SHORT DESCRIPTION", "# SUMMARY")));
        Assert.Contains("SHORT DESCRIPTION", ex.Message);
    }

    [Fact]
    public void FrontMatterIsIgnored()
    {
        var text = AboutTopicWriter.Convert("docs/about_Widgets.md", "---\nlocale: en-US\n---\n" + Samples.AboutWidgets);
        Assert.StartsWith("TOPIC", text);
        Assert.DoesNotContain("locale", text);
    }
}
