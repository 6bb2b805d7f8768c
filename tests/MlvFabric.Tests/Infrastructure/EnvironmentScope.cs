using System;
using System.Collections.Generic;

namespace MlvFabric.Tests.Infrastructure;

/// <summary>Sets process environment variables for one test and restores them (use in the ProcessEnvironment collection).</summary>
public sealed class EnvironmentScope : IDisposable
{
    private readonly Dictionary<string, string?> _previous = new();

    public EnvironmentScope(Dictionary<string, string?> values)
    {
        foreach ((var name, var value) in values)
        {
            _previous[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public void Dispose()
    {
        foreach ((var name, var value) in _previous)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
