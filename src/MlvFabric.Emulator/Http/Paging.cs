using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace MlvFabric.Emulator.Http;

/// <summary>
/// List pages: <c>{ value, continuationToken?, continuationUri? }</c>, both continuation fields omitted on the last
/// page. The token is opaque (base64 of the list kind and the last key returned) and, like the service's, is already
/// percent-encoded in the body; <c>?continuationToken=</c> is accepted encoded once, twice or not at all. The URI is
/// absolute, on the host the client called, and repeats the request's other query parameters.
/// </summary>
internal static class Paging
{
    public const string TokenParameter = "continuationToken";

    /// <summary>The key after which to continue; null for the first page. 400 <c>InvalidContinuationToken</c> when unreadable.</summary>
    public static long? ReadToken(HttpContext ctx, char kind)
    {
        if (!ctx.Request.Query.TryGetValue(TokenParameter, out var values))
        {
            return null;
        }

        var text = values.ToString();
        if (text.Length == 0)
        {
            return null;
        }

        try
        {
            // ASP.NET decoded the query once; a client that sent the body's (encoded) token encoded again leaves
            // %XX here, and one that sent it raw may have had '+' turned into ' '.
            if (text.Contains('%'))
            {
                text = Uri.UnescapeDataString(text);
            }

            text = text.Replace(' ', '+');
            var raw = Encoding.UTF8.GetString(Convert.FromBase64String(text));
            var parts = raw.Split(',');
            if (parts.Length == 3 && parts[0] == "1" && parts[2].Length == 1 && parts[2][0] == kind
                && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var key))
            {
                return key;
            }
        }
        catch (FormatException)
        {
        }
        throw ApiException.BadRequest(ErrorCodes.InvalidContinuationToken,
            "The continuation token is not valid for this list: pass the continuationToken or continuationUri of the previous page unchanged.");
    }

    /// <summary>The token as it appears in the body (percent-encoded).</summary>
    public static string EncodedToken(char kind, long key) =>
        Uri.EscapeDataString(Convert.ToBase64String(Encoding.UTF8.GetBytes(
            "1," + key.ToString(CultureInfo.InvariantCulture) + "," + kind)));

    /// <summary>Items after <paramref name="after"/> (ascending keys) up to the page size; <paramref name="more"/> when any remain.</summary>
    public static List<T> Ascending<T>(IReadOnlyList<T> sorted, Func<T, long> key, long? after, int pageSize, out bool more)
    {
        var start = 0;
        if (after is { } a)
        {
            int lo = 0, hi = sorted.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (key(sorted[mid]) <= a)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }
            start = lo;
        }
        var page = new List<T>(Math.Min(pageSize, Math.Max(0, sorted.Count - start)));
        for (var i = start; i < sorted.Count && page.Count < pageSize; i++)
        {
            page.Add(sorted[i]);
        }

        more = start + page.Count < sorted.Count;
        return page;
    }

    /// <summary>Writes a page; <paramref name="lastKey"/> is the key of the page's last item when more follow, else null.</summary>
    public static Task WriteAsync<T>(HttpContext ctx, char kind, IReadOnlyList<T> items, long? lastKey,
        Action<Utf8JsonWriter, T> writeItem)
    {
        string? token = null, uri = null;
        if (lastKey is { } k)
        {
            token = EncodedToken(kind, k);
            uri = NextUri(ctx, token);
        }
        return JsonOut.WriteAsync(ctx, 200, (items, token, uri, writeItem), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteStartArray("value");
            foreach (var item in s.items)
            {
                s.writeItem(w, item);
            }

            w.WriteEndArray();
            if (s.token != null)
            {
                w.WriteString("continuationToken", s.token);
                w.WriteString("continuationUri", s.uri);
            }
            w.WriteEndObject();
        });
    }

    private static string NextUri(HttpContext ctx, string encodedToken)
    {
        var req = ctx.Request;
        var sb = new StringBuilder();
        sb.Append(Urls.Origin(ctx)).Append(req.PathBase.Value).Append(req.Path.Value).Append('?');
        foreach (var (name, values) in req.Query)
        {
            if (string.Equals(name, TokenParameter, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var v in values)
            {
                sb.Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(v ?? "")).Append('&');
            }
        }
        sb.Append(TokenParameter).Append('=').Append(encodedToken);
        return sb.ToString();
    }
}
