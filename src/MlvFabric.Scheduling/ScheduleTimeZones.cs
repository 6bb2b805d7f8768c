using System;
using System.Collections.Generic;
using System.Linq;
using TimeZoneConverter;

namespace MlvFabric.Scheduling;

/// <summary>
/// Windows time-zone ids (what the API's <c>localTimeZoneId</c> takes) and their <see cref="TimeZoneInfo"/>,
/// on Windows and on Linux/macOS alike (TimeZoneConverter maps Windows ids to the IANA data there).
/// Ids are matched case-insensitively, as Windows does; results carry the canonical spelling.
/// </summary>
public static class ScheduleTimeZones
{
    private static readonly Dictionary<string, string> Canonical =
        TZConvert.KnownWindowsTimeZoneIds.ToDictionary(id => id, id => id, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every known Windows id, sorted (for tab completion).</summary>
    public static IReadOnlyList<string> WindowsIds { get; } =
        Canonical.Values.OrderBy(id => id, StringComparer.OrdinalIgnoreCase).ToArray();

    /// <summary>Every IANA name that maps to a Windows id (<c>Europe/Berlin</c>), sorted (for tab completion).</summary>
    public static IReadOnlyList<string> IanaNames { get; } =
        TZConvert.KnownIanaTimeZoneNames.Where(name => TZConvert.TryIanaToWindows(name, out _)).OrderBy(name => name, StringComparer.OrdinalIgnoreCase).ToArray();

    /// <summary>True when <paramref name="id"/> is a Windows time-zone id (any casing).</summary>
    public static bool IsWindowsId(string? id) => id != null && Canonical.ContainsKey(id);

    /// <summary>
    /// Resolves a Windows id (<c>Central Standard Time</c>, <c>UTC</c>) or an IANA name (<c>America/Chicago</c>,
    /// <c>Etc/UTC</c>) to the Windows id the API wants and the zone. False for null, unknown ids and zones
    /// this machine has no data for. The id is not trimmed.
    /// </summary>
    public static bool TryResolve(string? id, out string windowsId, out TimeZoneInfo timeZone)
    {
        windowsId = "";
        timeZone = TimeZoneInfo.Utc;
        if (string.IsNullOrEmpty(id))
        {
            return false;
        }

        if (!Canonical.TryGetValue(id!, out var win) && !TZConvert.TryIanaToWindows(id!, out win))
        {
            return false;
        }

        if (!TZConvert.TryGetTimeZoneInfo(win, out var zone))
        {
            return false;
        }

        windowsId = win;
        timeZone = zone;
        return true;
    }

    /// <summary>The machine's local zone as a Windows id; <c>UTC</c> when it has no Windows equivalent.</summary>
    public static string LocalWindowsId() =>
        TryResolve(TimeZoneInfo.Local.Id, out var windowsId, out _) ? windowsId : "UTC";
}
