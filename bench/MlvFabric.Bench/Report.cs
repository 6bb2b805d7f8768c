using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlvFabric.Bench;

/// <summary>One figure's table: printed at once, and kept for the results file.</summary>
internal sealed class Section
{
    public Section(string key, string title)
    {
        Key = key;
        Title = title;
    }

    public string Key { get; }
    public string Title { get; }
    public List<string> Columns { get; } = new();
    public List<string[]> Rows { get; } = new();
    public List<string> Notes { get; } = new();

    /// <summary>Raw figures for the JSON file (numbers in their base unit: ms, bytes, counts, ratios).</summary>
    public JsonObject Data { get; } = new();

    public Section Header(params string[] columns)
    {
        Columns.AddRange(columns);
        return this;
    }

    public Section Row(params string[] cells)
    {
        Rows.Add(cells);
        return this;
    }

    public Section Note(string note)
    {
        Notes.Add(note);
        return this;
    }

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine("## " + Title).AppendLine();
        if (Columns.Count > 0)
        {
            sb.AppendLine("| " + string.Join(" | ", Columns) + " |");
            sb.AppendLine("|" + string.Concat(Columns.Select(_ => "---|")));
            foreach (var row in Rows)
            {
                sb.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|"))) + " |");
            }

            sb.AppendLine();
        }

        foreach (var note in Notes)
        {
            sb.AppendLine("- " + note);
        }

        if (Notes.Count > 0)
        {
            sb.AppendLine();
        }

        return sb.ToString();
    }

    /// <summary>A plain-text table for the console.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        sb.AppendLine().AppendLine("== " + Title);
        if (Columns.Count > 0)
        {
            var widths = Columns.Select((c, i) => Math.Max(c.Length, Rows.Select(r => i < r.Length ? r[i].Length : 0).DefaultIfEmpty(0).Max())).ToArray();
            string Line(IReadOnlyList<string> cells) => string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i])));
            sb.AppendLine(Line(Columns));
            sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
            foreach (var row in Rows)
            {
                sb.AppendLine(Line(row));
            }
        }

        foreach (var note in Notes)
        {
            sb.AppendLine("  * " + note);
        }

        return sb.ToString();
    }
}

internal static class Fmt
{
    public static string Ms(double ms) => ms >= 100 ? ms.ToString("0", CultureInfo.InvariantCulture) + " ms" : ms.ToString("0.0##", CultureInfo.InvariantCulture) + " ms";

    public static string S(double seconds) => seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    public static string MiB(double bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";

    public static string X(double ratio) => ratio.ToString("0.00", CultureInfo.InvariantCulture) + "×";

    public static string N(double value, string format = "0.##") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Verdict(bool met) => met ? "met" : "MISSED";

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = p / 100.0 * (sorted.Length - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }
}

/// <summary>The machine and the code measured: written at the top of every results file.</summary>
internal static class Machine
{
    public static Section Describe(string mode)
    {
        var section = new Section("machine", "Machine").Header("property", "value");
        void Add(string name, string value)
        {
            section.Row(name, value);
            section.Data[name] = value;
        }

        Add("mode", mode);
        Add("date (UTC)", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        Add("cpu", CpuModel());
        Add("logical cores", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture));
        Add("memory", Fmt.MiB(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes));
        Add("load average at start", LoadAverage());
        Add("os", RuntimeInformation.OSDescription + " (" + RuntimeInformation.OSArchitecture + ")");
        Add(".NET", RuntimeInformation.FrameworkDescription);
        Add("PowerShell engine", "System.Management.Automation " + typeof(System.Management.Automation.PowerShell).Assembly.GetName().Version);
        Add("GC", (System.Runtime.GCSettings.IsServerGC ? "server" : "workstation") + (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.Batch ? "" : ", concurrent"));
        Add("module", $"MlvFabric {ModuleHost.ModuleVersion} ({ModuleHost.ModuleConfiguration()} build), " +
                      (ModuleHost.ManifestPath.Contains("mlvfabric-bench", StringComparison.Ordinal) ? $"a copy of out/MlvFabric/{ModuleHost.ModuleVersion}/ taken at the start" : ModuleHost.ManifestPath));
        Add("commit", Git("rev-parse --short=12 HEAD") + (string.IsNullOrWhiteSpace(Git("status --porcelain --untracked-files=no")) ? "" : " + uncommitted changes"));
        return section;
    }

    private static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line != null)
                {
                    return line.Substring(line.IndexOf(':') + 1).Trim();
                }
            }
        }
        catch (IOException)
        {
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string Git(string args)
    {
        try
        {
            var info = new ProcessStartInfo("git", args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = ModuleHost.RepoRoot };
            using var p = Process.Start(info)!;
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 ? output : "unknown";
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception || ex is InvalidOperationException)
        {
            return "unknown";
        }
    }
}

/// <summary>Writes bench/results/&lt;yyyyMMdd-HHmmss&gt;.md and .json.</summary>
internal static class ResultsFile
{
    public static (string Markdown, string Json) Write(DateTime startedUtc, IReadOnlyList<Section> sections, string summary)
    {
        var dir = Path.Combine(ModuleHost.RepoRoot, "bench", "results");
        Directory.CreateDirectory(dir);
        var stem = Path.Combine(dir, startedUtc.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));

        var md = new StringBuilder();
        md.AppendLine("# MlvFabric benchmark results, " + startedUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC").AppendLine();
        md.AppendLine(summary).AppendLine();
        foreach (var section in sections)
        {
            md.Append(section.ToMarkdown());
        }

        File.WriteAllText(stem + ".md", md.ToString());

        var json = new JsonObject { ["started"] = startedUtc.ToString("o", CultureInfo.InvariantCulture) };
        foreach (var section in sections)
        {
            var node = section.Data.DeepClone().AsObject();
            node["title"] = section.Title;
            node["notes"] = new JsonArray(section.Notes.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray());
            node["table"] = new JsonArray(section.Rows.Select(r => (JsonNode)new JsonArray(r.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray())).ToArray());
            json[section.Key] = node;
        }

        File.WriteAllText(stem + ".json", json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return (stem + ".md", stem + ".json");
    }

    /// <summary>
    /// After a full run: bench/README.md's "Latest results" block (between its results markers) gets the run's target
    /// lines and a link to its results file.
    /// </summary>
    public static void UpdateReadme(string resultsMarkdown, string summary)
    {
        const string begin = "<!-- results:begin -->", end = "<!-- results:end -->";
        var readme = Path.Combine(ModuleHost.RepoRoot, "bench", "README.md");
        var text = File.ReadAllText(readme);
        int from = text.IndexOf(begin, StringComparison.Ordinal), to = text.IndexOf(end, StringComparison.Ordinal);
        if (from < 0 || to < from)
        {
            return;
        }

        var name = Path.GetFileName(resultsMarkdown);
        var targets = string.Join("\n", summary.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("- ", StringComparison.Ordinal)));
        var block = $"{begin}\nTargets of the latest full run, [`results/{name}`](results/{name}) (tables, machine, commit):\n\n{targets}\n";
        File.WriteAllText(readme, text.Substring(0, from) + block + text.Substring(to));
    }
}
