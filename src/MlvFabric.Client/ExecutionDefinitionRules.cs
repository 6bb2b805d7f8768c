using System.Globalization;

namespace MlvFabric.Client;

/// <summary>What the service accepts as an execution definition's display name, checked before a request is sent.</summary>
public static class ExecutionDefinitionRules
{
    /// <summary>The longest display name the service stores.</summary>
    public const int MaxNameLength = 256;

    /// <summary>Why <paramref name="name"/> cannot be a display name, or null when it can.</summary>
    public static string? NameProblem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "is empty or blank";
        }

        if (name!.Length > MaxNameLength)
        {
            return $"is {name.Length.ToString("N0", CultureInfo.InvariantCulture)} characters long; the service allows at most {MaxNameLength}";
        }

        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsControl(name[i]))
            {
                return $"contains a control character (U+{((int)name[i]).ToString("X4", CultureInfo.InvariantCulture)} at position {i + 1}), which a display name cannot hold";
            }
        }
        return null;
    }
}
