using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text;

namespace MlvFabric.Tests.Infrastructure;

/// <summary>Everything one script run produced, stream by stream.</summary>
public sealed class PsResult
{
    public List<PSObject> Output { get; } = new();
    public List<ErrorRecord> Errors { get; } = new();
    public List<WarningRecord> Warnings { get; } = new();
    public List<VerboseRecord> Verbose { get; } = new();
    public List<DebugRecord> Debug { get; } = new();
    public List<ProgressRecord> Progress { get; } = new();
    public List<InformationRecord> Information { get; } = new();

    /// <summary>The terminating error, if the script threw.</summary>
    public Exception? Terminating { get; set; }

    public IEnumerable<ErrorRecord> AllErrors =>
        Terminating is RuntimeException rte && rte.ErrorRecord is not null ? Errors.Append(rte.ErrorRecord) : Errors;

    /// <summary>Output as base objects of type T.</summary>
    public List<T> Objects<T>() => Output.Select(o => o.BaseObject).OfType<T>().ToList();

    public void ThrowIfFailed()
    {
        if (Terminating is not null || Errors.Count > 0)
        {
            throw new InvalidOperationException("Script failed:\n" + Describe());
        }
    }

    /// <summary>Every stream as text, including error details and exception messages (for secret scans).</summary>
    public string AllText()
    {
        var sb = new StringBuilder();
        foreach (var o in Output)
        {
            sb.AppendLine(o?.ToString());
        }

        foreach (var e in AllErrors)
        {
            sb.AppendLine(e.ToString()).AppendLine(e.FullyQualifiedErrorId).AppendLine(e.ErrorDetails?.Message).AppendLine(e.ErrorDetails?.RecommendedAction);
            for (var ex = e.Exception; ex is not null; ex = ex.InnerException)
            {
                sb.AppendLine(ex.ToString());
            }

            sb.AppendLine(e.TargetObject?.ToString());
        }
        if (Terminating is not null)
        {
            sb.AppendLine(Terminating.ToString());
        }

        foreach (var w in Warnings)
        {
            sb.AppendLine(w.Message);
        }

        foreach (var v in Verbose)
        {
            sb.AppendLine(v.Message);
        }

        foreach (var d in Debug)
        {
            sb.AppendLine(d.Message);
        }

        foreach (var p in Progress)
        {
            sb.AppendLine(p.Activity + " " + p.StatusDescription + " " + p.CurrentOperation);
        }

        foreach (var i in Information)
        {
            sb.AppendLine(i.MessageData?.ToString());
        }

        return sb.ToString();
    }

    public string Describe()
    {
        var sb = new StringBuilder();
        if (Terminating is not null)
        {
            sb.AppendLine("TERMINATING: " + Terminating);
        }

        foreach (var e in Errors)
        {
            sb.AppendLine($"ERROR [{e.FullyQualifiedErrorId}] ({e.CategoryInfo.Category}): {e}");
        }

        foreach (var w in Warnings)
        {
            sb.AppendLine("WARNING: " + w.Message);
        }

        foreach (var v in Verbose.TakeLast(30))
        {
            sb.AppendLine("VERBOSE: " + v.Message);
        }

        return sb.ToString();
    }
}
