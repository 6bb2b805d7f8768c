using System;

namespace MlvFabric.HelpBuilder;

/// <summary>Malformed help source: carries the file and the 1-based line to fix.</summary>
public sealed class HelpBuildException : Exception
{
    public HelpBuildException(string path, int line, string message)
        : base(message)
    {
        FilePath = path;
        Line = line;
    }

    public string FilePath { get; }

    public int Line { get; }

    /// <summary>"path:line: error: message", the form compilers use (and the module build turns into MSBuild errors).</summary>
    public string Describe() => $"{FilePath}:{Line}: error: {Message}";

    /// <summary>MSBuild's canonical error format, "path(line): error MLVHELP: message", which the build shows against the file.</summary>
    public string DescribeForMSBuild() => Line > 0 ? $"{FilePath}({Line}): error MLVHELP: {Message}" : $"{FilePath}: error MLVHELP: {Message}";

    public override string ToString() => Describe();
}
