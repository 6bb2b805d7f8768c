using Xunit;

namespace MlvFabric.Tests.Infrastructure;

/// <summary>
/// Tests that change process-wide state (environment variables such as IDENTITY_ENDPOINT or PATH) run in this
/// collection, one at a time and never beside another test class of it.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "Process environment";
}
