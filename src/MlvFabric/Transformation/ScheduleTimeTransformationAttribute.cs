using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace MlvFabric.Transformation;

/// <summary>
/// Lets -At take times of day as text ('09:00'), TimeSpans (New-TimeSpan -Hours 9, [timespan]'17:30') or DateTimes
/// (Get-Date 09:00): each becomes 'HH:mm'. A value with seconds, or outside one day, is passed on as text so that
/// the schedule validation refuses it with a clear message instead of a binding error.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ScheduleTimeTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = Unwrap(inputData);
        if (value is IEnumerable items && value is not string)
        {
            return items.Cast<object?>().Select(ToText).ToArray();
        }

        return ToText(value);
    }

    private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;

    private static string? ToText(object? item)
    {
        switch (Unwrap(item))
        {
            case null:
                return null;
            case TimeSpan span:
                return span >= TimeSpan.Zero && span < TimeSpan.FromDays(1) && span.Ticks % TimeSpan.TicksPerMinute == 0
                    ? span.ToString(@"hh\:mm", CultureInfo.InvariantCulture)
                    : span.ToString("c", CultureInfo.InvariantCulture);
            case DateTime time:
                return time.Ticks % TimeSpan.TicksPerMinute == 0
                    ? time.ToString("HH:mm", CultureInfo.InvariantCulture)
                    : time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
            case object other:
                return Convert.ToString(other, CultureInfo.InvariantCulture);
        }
    }
}
