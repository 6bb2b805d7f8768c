using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using MlvFabric.HelpBuilder.Markdown;
using MlvFabric.HelpBuilder.Model;

namespace MlvFabric.HelpBuilder;

/// <summary>What one run read and wrote.</summary>
public sealed class HelpBuildResult
{
    public List<HelpBuildException> Errors { get; } = new();

    public List<CommandHelp> Commands { get; } = new();

    /// <summary>Files written (full paths), whether their content changed or not.</summary>
    public List<string> Written { get; } = new();

    public List<string> Removed { get; } = new();

    public List<string> Skipped { get; } = new();

    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// docs/*.md → MAML (one &lt;external help file&gt; per distinct front matter value, normally MlvFabric.dll-Help.xml)
/// and about_*.help.txt. Every file is read and checked before anything is written, so a malformed file leaves the
/// previous output untouched. Writes are atomic (temporary file + rename), so parallel builds and a PowerShell
/// session reading the help never see half a file.
/// </summary>
public static class HelpBuilder
{
    public static HelpBuildResult Build(string docsDirectory, string outputDirectory)
    {
        var result = new HelpBuildResult();
        if (!Directory.Exists(docsDirectory))
        {
            result.Errors.Add(new HelpBuildException(docsDirectory, 0, "the docs folder does not exist."));
            return result;
        }

        var outputs = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        var files = Directory.GetFiles(docsDirectory, "*.md", SearchOption.TopDirectoryOnly)
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToArray();

        foreach (var file in files)
        {
            var display = DisplayPath(file);
            var name = Path.GetFileNameWithoutExtension(file);
            try
            {
                var doc = MarkdownDocument.Parse(display, File.ReadAllText(file, Encoding.UTF8));
                if (name.StartsWith("about_", StringComparison.OrdinalIgnoreCase))
                {
                    outputs[name + ".help.txt"] = WithBom(AboutTopicWriter.Convert(doc));
                }
                else if (doc.FrontMatter.ContainsKey("Module Guid"))
                {
                    // The module page (New-MarkdownHelp -WithModulePage): not part of MAML, as in platyPS.
                    result.Skipped.Add(file);
                }
                else
                {
                    result.Commands.Add(CommandHelpParser.Parse(doc));
                }
            }
            catch (HelpBuildException ex)
            {
                result.Errors.Add(ex);
            }
            catch (IOException ex)
            {
                result.Errors.Add(new HelpBuildException(display, 0, ex.Message));
            }
        }

        foreach (var duplicate in result.Commands.GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            var second = duplicate.Skip(1).First();
            result.Errors.Add(new HelpBuildException(second.SourcePath, 1, $"{duplicate.Key} is documented in more than one file."));
        }

        if (!result.Succeeded)
        {
            return result;
        }

        foreach (var group in result.Commands.GroupBy(c => c.ExternalHelpFile, StringComparer.OrdinalIgnoreCase))
        {
            outputs[group.First().ExternalHelpFile] = MamlWriter.ToBytes(MamlWriter.ToDocument(group));
        }

        Directory.CreateDirectory(outputDirectory);
        foreach (var output in outputs)
        {
            var target = Path.Combine(outputDirectory, output.Key);
            WriteAtomically(target, output.Value);
            result.Written.Add(target);
        }

        // Help for a command or topic whose Markdown is gone must not linger in the module.
        foreach (var existing in Directory.GetFiles(outputDirectory))
        {
            var fileName = Path.GetFileName(existing);
            var ours = fileName.EndsWith("-help.xml", StringComparison.OrdinalIgnoreCase)
                || (fileName.StartsWith("about_", StringComparison.OrdinalIgnoreCase) && fileName.EndsWith(".help.txt", StringComparison.OrdinalIgnoreCase));
            if (ours && !outputs.ContainsKey(fileName))
            {
                try
                {
                    File.Delete(existing);
                    result.Removed.Add(existing);
                }
                catch (IOException)
                {
                    // Another build removed or replaced it meanwhile.
                }
            }
        }

        return result;
    }

    private static byte[] WithBom(string text) => new UTF8Encoding(encoderShouldEmitUTF8Identifier: true).GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray();

    /// <summary>Writes <paramref name="content"/> to a temporary file beside the target and renames it over the target.</summary>
    public static void WriteAtomically(string target, byte[] content)
    {
        var temporary = target + "." + Environment.ProcessId + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp";
        File.WriteAllBytes(temporary, content);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    File.Move(temporary, target, overwrite: true);
                    return;
                }
                catch (Exception ex) when ((ex is IOException || ex is UnauthorizedAccessException) && attempt < 10)
                {
                    // Windows: a reader (PowerShell loading help, antivirus) holds the target briefly.
                    System.Threading.Thread.Sleep(50 * attempt);
                }
            }
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>A path relative to the working directory where that is shorter (error messages people click on).</summary>
    private static string DisplayPath(string file)
    {
        var full = Path.GetFullPath(file);
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }
}
