using System;
using System.IO;
using System.Linq;

namespace MlvFabric.HelpBuilder;

public static class Program
{
    private const string Usage =
        "Usage: MlvFabric.HelpBuilder <docsDir> <outputDir>\n" +
        "  Converts platyPS 0.14 Markdown help (docs/*.md) into MAML (<external help file> from each file's front matter)\n" +
        "  and about_*.md into about_*.help.txt, written to <outputDir> (e.g. out/MlvFabric/<version>/en-US).\n" +
        "  Options: --quiet           print only errors.\n" +
        "           --msbuild-errors  print errors as 'file(line): error MLVHELP: message' (MSBuild's format).\n" +
        "  Exit codes: 0 written; 1 malformed Markdown (each problem printed as 'file:line: error: message'); 2 bad usage.";

    public static int Main(string[] args)
    {
        var quiet = args.Contains("--quiet", StringComparer.OrdinalIgnoreCase);
        var msbuild = args.Contains("--msbuild-errors", StringComparer.OrdinalIgnoreCase);
        var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        if (args.Any(a => a is "-h" or "--help" or "-?" or "/?"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        var unknown = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && !a.Equals("--quiet", StringComparison.OrdinalIgnoreCase) && !a.Equals("--msbuild-errors", StringComparison.OrdinalIgnoreCase)).ToArray();
        if (positional.Length != 2 || unknown.Length > 0)
        {
            Console.Error.WriteLine(unknown.Length > 0 ? $"Unknown option {unknown[0]}." : "Expected two arguments: <docsDir> <outputDir>.");
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var docs = positional[0];
        var output = positional[1];
        HelpBuildResult result;
        try
        {
            result = HelpBuilder.Build(docs, output);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"{output}: error: {ex.Message}");
            return 1;
        }

        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                Console.Error.WriteLine(msbuild ? error.DescribeForMSBuild() : error.Describe());
            }

            Console.Error.WriteLine($"Help not built: {result.Errors.Count} problem(s) in {Path.GetFullPath(docs)}.");
            return 1;
        }

        if (!quiet)
        {
            Console.WriteLine($"Help: {result.Commands.Count} command(s), {result.Written.Count} file(s) -> {Path.GetFullPath(output)}");
            foreach (var removed in result.Removed)
            {
                Console.WriteLine($"  removed stale {Path.GetFileName(removed)}");
            }
        }

        return 0;
    }
}
