using System;
using System.Globalization;
using System.Management.Automation;

namespace MlvFabric.Transformation;

/// <summary>
/// Lets a TimeSpan parameter take seconds, as PowerShell's own -Timeout parameters do (Wait-Job, Wait-Process):
/// <c>-Timeout 600</c> is ten minutes, not 600 ticks. TimeSpans and "hh:mm:ss" strings pass through unchanged.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class TimeoutTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        switch (value)
        {
            case int or long or short or byte or sbyte or uint or ulong or ushort:
                return TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture));
            case double d when !double.IsNaN(d) && !double.IsInfinity(d) && Math.Abs(d) < TimeSpan.MaxValue.TotalSeconds:
                return TimeSpan.FromSeconds(d);
            case float f when !float.IsNaN(f) && !float.IsInfinity(f):
                return TimeSpan.FromSeconds(f);
            case decimal m when Math.Abs(m) < (decimal)TimeSpan.MaxValue.TotalSeconds:
                return TimeSpan.FromSeconds((double)m);
            case string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && !double.IsNaN(seconds) && !double.IsInfinity(seconds) && Math.Abs(seconds) < TimeSpan.MaxValue.TotalSeconds:
                return TimeSpan.FromSeconds(seconds);
            default:
                return inputData;
        }
    }
}
