using System.Management.Automation;
using Xunit;

namespace MlvFabric.Tests.Infrastructure;

public static class ErrorRecordAssert
{
    /// <summary>Exactly one error (terminating or not), with this ErrorId and category.</summary>
    public static ErrorRecord Single(PsResult result, string errorId, ErrorCategory category)
    {
        var error = Assert.Single(result.AllErrors);
        Assert.True(error.FullyQualifiedErrorId.StartsWith(errorId + ",", System.StringComparison.Ordinal) || error.FullyQualifiedErrorId == errorId,
            $"Expected ErrorId {errorId}, got {error.FullyQualifiedErrorId}: {error}");
        Assert.Equal(category, error.CategoryInfo.Category);
        return error;
    }
}
