using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using Xunit;

namespace MlvFabric.HelpBuilder.Tests;

public sealed class BuilderTests : IDisposable
{
    private readonly string _root = Samples.NewFolder();

    private string Docs => Path.Combine(_root, "docs");

    private string Output => Path.Combine(_root, "out", "en-US");

    public BuilderTests()
    {
        Directory.CreateDirectory(Docs);
        File.WriteAllText(Path.Combine(Docs, "Set-Widget.md"), Samples.SetWidget);
        File.WriteAllText(Path.Combine(Docs, "about_Widgets.md"), Samples.AboutWidgets);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void WritesOneMamlFilePerExternalHelpFileAndTheAboutTopics()
    {
        File.WriteAllText(Path.Combine(Docs, "Get-Widget.md"), Samples.SetWidget.Replace("Set-Widget", "Get-Widget"));

        var result = HelpBuilder.Build(Docs, Output);

        Assert.True(result.Succeeded);
        Assert.Equal(new[] { "Widgets.dll-Help.xml", "about_Widgets.help.txt" }, Directory.GetFiles(Output).Select(Path.GetFileName).OrderBy(f => f, StringComparer.Ordinal));
        var maml = XDocument.Load(Path.Combine(Output, "Widgets.dll-Help.xml"));
        Assert.Equal(new[] { "Get-Widget", "Set-Widget" },
            maml.Root!.Elements(MamlWriter.Command + "command").Select(c => c.Element(MamlWriter.Command + "details")!.Element(MamlWriter.Command + "name")!.Value));
        Assert.Empty(Directory.GetFiles(Output, "*.tmp"));
    }

    [Fact]
    public void ModulePageIsSkipped()
    {
        File.WriteAllText(Path.Combine(Docs, "Widgets.md"), "---\nModule Name: Widgets\nModule Guid: 00000000-0000-0000-0000-000000000000\n---\n\n# Widgets Module\n## Description\nWidgets.\n");

        var result = HelpBuilder.Build(Docs, Output);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors.Select(e => e.Describe())));
        Assert.Single(result.Skipped);
    }

    [Fact]
    public void StaleHelpIsRemovedAndOtherFilesAreKept()
    {
        Directory.CreateDirectory(Output);
        File.WriteAllText(Path.Combine(Output, "Old.dll-Help.xml"), "<x/>");
        File.WriteAllText(Path.Combine(Output, "about_Old.help.txt"), "old");
        File.WriteAllText(Path.Combine(Output, "readme.txt"), "keep");

        var result = HelpBuilder.Build(Docs, Output);

        Assert.True(result.Succeeded);
        Assert.False(File.Exists(Path.Combine(Output, "Old.dll-Help.xml")));
        Assert.False(File.Exists(Path.Combine(Output, "about_Old.help.txt")));
        Assert.True(File.Exists(Path.Combine(Output, "readme.txt")));
        Assert.Equal(2, result.Removed.Count);
    }

    [Fact]
    public void MalformedFileLeavesPreviousOutputUntouchedAndReportsEveryProblem()
    {
        Assert.True(HelpBuilder.Build(Docs, Output).Succeeded);
        var maml = Path.Combine(Output, "Widgets.dll-Help.xml");
        var before = File.ReadAllBytes(maml);

        File.WriteAllText(Path.Combine(Docs, "Set-Widget.md"), Samples.SetWidget.Replace("## NOTES", "## REMARKS"));
        File.WriteAllText(Path.Combine(Docs, "about_Widgets.md"), "# about_Widgets\n\ntext\n");
        var result = HelpBuilder.Build(Docs, Output);

        Assert.False(result.Succeeded);
        Assert.Equal(2, result.Errors.Count);
        Assert.Contains(result.Errors, e => e.FilePath.EndsWith("Set-Widget.md", StringComparison.Ordinal) && e.Message.Contains("REMARKS"));
        Assert.Contains(result.Errors, e => e.FilePath.EndsWith("about_Widgets.md", StringComparison.Ordinal));
        Assert.Equal(before, File.ReadAllBytes(maml));
    }

    [Fact]
    public void TheSameCommandInTwoFilesIsAnError()
    {
        File.WriteAllText(Path.Combine(Docs, "set-widget2.md"), Samples.SetWidget);

        var result = HelpBuilder.Build(Docs, Output);

        Assert.False(result.Succeeded);
    }

    [Fact]
    public void SameInputGivesTheSameBytes()
    {
        HelpBuilder.Build(Docs, Output);
        var first = File.ReadAllBytes(Path.Combine(Output, "Widgets.dll-Help.xml"));
        HelpBuilder.Build(Docs, Output);
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(Output, "Widgets.dll-Help.xml")));
    }

    [Fact]
    public async System.Threading.Tasks.Task ConcurrentBuildsIntoOneFolderNeverLeaveAPartialFile()
    {
        var maml = Path.Combine(Output, "Widgets.dll-Help.xml");
        HelpBuilder.Build(Docs, Output);
        var expected = File.ReadAllBytes(maml);

        var builds = Enumerable.Range(0, 4).Select(_ => System.Threading.Tasks.Task.Run(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                Assert.True(HelpBuilder.Build(Docs, Output).Succeeded);
            }
        })).ToArray();
        var reader = System.Threading.Tasks.Task.Run(() =>
        {
            while (!builds.All(b => b.IsCompleted))
            {
                Assert.Equal(expected, File.ReadAllBytes(maml));
            }
        });

        await System.Threading.Tasks.Task.WhenAll(builds);
        await reader;
        Assert.Empty(Directory.GetFiles(Output, "*.tmp"));
    }

    [Fact]
    public void CommandLineReportsFileAndLineAndExitCodes()
    {
        File.WriteAllText(Path.Combine(Docs, "Set-Widget.md"), Samples.SetWidget.Replace("Position: 0", "Position: first"));
        var stderr = new StringWriter();
        var original = Console.Error;
        int code;
        try
        {
            Console.SetError(stderr);
            code = Program.Main(new[] { Docs, Output, "--quiet" });
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Equal(1, code);
        var line = Array.FindIndex(Samples.SetWidget.Split('\n'), l => l == "Position: 0") + 1;
        Assert.Matches($@"Set-Widget\.md:{line}: error: -Name: 'Position: first'", stderr.ToString());
    }

    [Fact]
    public void CommandLineRejectsBadUsage()
    {
        var stderr = new StringWriter();
        var original = Console.Error;
        try
        {
            Console.SetError(stderr);
            Assert.Equal(2, Program.Main(new[] { Docs }));
            Assert.Equal(2, Program.Main(new[] { Docs, Output, "--frobnicate" }));
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Contains("Usage:", stderr.ToString());
    }

    [Fact]
    public void MissingDocsFolderIsAnError()
    {
        var result = HelpBuilder.Build(Path.Combine(_root, "nope"), Output);
        Assert.False(result.Succeeded);
    }
}
