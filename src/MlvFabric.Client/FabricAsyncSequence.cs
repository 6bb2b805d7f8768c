using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace MlvFabric.Client;

/// <summary>
/// Items of a list operation, fetched page by page as they are consumed (<c>await foreach</c>).
/// The public surface deliberately avoids IAsyncEnumerable/ValueTask: on netstandard2.0 those live in
/// Microsoft.Bcl.AsyncInterfaces / System.Threading.Tasks.Extensions, which the cmdlet assembly (PowerShell's
/// default load context) would then have to share with the module's private one. Pattern-based enumeration
/// keeps the boundary down to MlvFabric.Client alone.
/// </summary>
public sealed class FabricAsyncSequence<T> : IAsyncEnumerable<T>
{
    private readonly IAsyncEnumerable<T> _source;
    private readonly bool _continueOnCapturedContext;

    internal FabricAsyncSequence(IAsyncEnumerable<T> source, bool continueOnCapturedContext = true)
    {
        _source = source;
        _continueOnCapturedContext = continueOnCapturedContext;
    }

    public Enumerator GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        new Enumerator(_source.GetAsyncEnumerator(cancellationToken), _continueOnCapturedContext);

    /// <summary>As Task.ConfigureAwait, for the awaits of <c>await foreach</c> (shadows the Bcl extension on purpose).</summary>
    public FabricAsyncSequence<T> ConfigureAwait(bool continueOnCapturedContext) =>
        new FabricAsyncSequence<T>(_source, continueOnCapturedContext);

    IAsyncEnumerator<T> IAsyncEnumerable<T>.GetAsyncEnumerator(CancellationToken cancellationToken) =>
        _source.GetAsyncEnumerator(cancellationToken);

    /// <summary>Collects every item (every page).</summary>
    public async Task<List<T>> ToListAsync(CancellationToken cancellationToken = default)
    {
        var items = new List<T>();
        var enumerator = ConfigureAwait(false).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (await enumerator.MoveNextAsync())
            {
                items.Add(enumerator.Current);
            }
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
        return items;
    }

    public sealed class Enumerator
    {
        private readonly IAsyncEnumerator<T> _inner;
        private readonly bool _continueOnCapturedContext;

        internal Enumerator(IAsyncEnumerator<T> inner, bool continueOnCapturedContext)
        {
            _inner = inner;
            _continueOnCapturedContext = continueOnCapturedContext;
        }

        public T Current => _inner.Current;

        public ConfiguredTaskAwaitable<bool> MoveNextAsync() =>
            _inner.MoveNextAsync().AsTask().ConfigureAwait(_continueOnCapturedContext);

        public ConfiguredTaskAwaitable DisposeAsync() =>
            _inner.DisposeAsync().AsTask().ConfigureAwait(_continueOnCapturedContext);
    }
}
