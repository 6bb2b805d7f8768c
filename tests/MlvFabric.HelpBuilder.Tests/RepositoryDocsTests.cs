using System;
using System.IO;
using System.Linq;
using Xunit;

namespace MlvFabric.HelpBuilder.Tests;

/// <summary>The repository's own docs/ build: a malformed help file fails here with its file and line.</summary>
public sealed class RepositoryDocsTests
{
    private static string RepoRoot
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "MlvFabric.psd1")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            return dir ?? throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
        }
    }

    [Fact]
    public void DocsFolderBuildsWithoutErrors()
    {
        var output = Samples.NewFolder();
        try
        {
            var result = HelpBuilder.Build(Path.Combine(RepoRoot, "docs"), output);

            Assert.True(result.Succeeded, "docs/ has malformed help:\n" + string.Join("\n", result.Errors.Select(e => e.Describe())));
            Assert.True(File.Exists(Path.Combine(output, "MlvFabric.dll-Help.xml")));
            Assert.True(File.Exists(Path.Combine(output, "about_MlvFabric.help.txt")));
            Assert.All(result.Commands, c => Assert.Equal("MlvFabric.dll-Help.xml", c.ExternalHelpFile));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
