using System;
using System.IO;
using System.Text.RegularExpressions;

namespace MlvFabric.Tests.Infrastructure;

/// <summary>Finds the built module folder (out/MlvFabric/&lt;version&gt;/), the only way tests load the module.</summary>
public static class ModuleLocator
{
    private static readonly Lazy<string> RepoRootValue = new(FindRepoRoot);

    public static string RepoRoot => RepoRootValue.Value;

    public static string ModuleVersion
    {
        get
        {
            var manifest = File.ReadAllText(Path.Combine(RepoRoot, "MlvFabric.psd1"));
            return Regex.Match(manifest, @"ModuleVersion\s*=\s*'([^']+)'").Groups[1].Value;
        }
    }

    /// <summary>Path of the built manifest; building tests/MlvFabric.Tests builds src/MlvFabric, which lays it out.</summary>
    public static string ManifestPath
    {
        get
        {
            var path = Path.Combine(RepoRoot, "out", "MlvFabric", ModuleVersion, "MlvFabric.psd1");
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"The built module is missing at '{path}'. Build it with: dotnet build src/MlvFabric");
            }

            return path;
        }
    }

    public static string ModuleDirectory => Path.GetDirectoryName(ManifestPath)!;

    private static string FindRepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "MlvFabric.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("Cannot find the repository root (MlvFabric.sln) above " + AppContext.BaseDirectory);
    }
}
