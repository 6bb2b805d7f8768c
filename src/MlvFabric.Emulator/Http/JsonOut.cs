using System;
using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace MlvFabric.Emulator.Http;

/// <summary>Writes JSON responses straight from a <see cref="Utf8JsonWriter"/> into one buffer (Content-Length set, no chunking).</summary>
internal static class JsonOut
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private static readonly JsonWriterOptions IndentedOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = true,
    };

    public static Task WriteAsync<T>(HttpContext ctx, int status, T state, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer, state);
        }
        var response = ctx.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = buffer.WrittenCount;
        return response.Body.WriteAsync(buffer.WrittenMemory).AsTask();
    }

    /// <summary>A JSON value as text (compact, or indented for people).</summary>
    public static string ToText<T>(T state, Action<Utf8JsonWriter, T> write, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, indented ? IndentedOptions : WriterOptions))
        {
            write(writer, state);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>An empty response with the given status (Content-Length 0).</summary>
    public static Task EmptyAsync(HttpContext ctx, int status)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    /// <summary>The service's timestamp form: <c>yyyy-MM-ddTHH:mm:ss.fffffff</c>, UTC, no <c>Z</c>.</summary>
    public static void WriteServiceTime(this Utf8JsonWriter writer, string name, DateTime utc)
    {
        Span<char> chars = stackalloc char[27];
        utc.TryFormat(chars, out var n, "yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture);
        writer.WriteString(name, chars[..n]);
    }

    /// <summary>ISO 8601 UTC with <c>Z</c> (control surface).</summary>
    public static string IsoZ(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static void WriteIso(this Utf8JsonWriter writer, string name, DateTime? utc)
    {
        if (utc is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, IsoZ(utc.Value));
        }
    }

    public static void WriteStringIfNotNull(this Utf8JsonWriter writer, string name, string? value)
    {
        if (value != null)
        {
            writer.WriteString(name, value);
        }
    }

    public static void WriteErrorObject(Utf8JsonWriter w, string errorCode, string message, string? requestId,
        bool? isRetriable, System.Collections.Generic.IReadOnlyList<ErrorDetail>? details, RelatedResource? related)
    {
        w.WriteStartObject();
        w.WriteString("errorCode", errorCode);
        w.WriteString("message", message);
        if (requestId != null)
        {
            w.WriteString("requestId", requestId);
        }

        if (isRetriable != null)
        {
            w.WriteBoolean("isRetriable", isRetriable.Value);
        }

        if (details is { Count: > 0 })
        {
            w.WriteStartArray("moreDetails");
            foreach (var d in details)
            {
                w.WriteStartObject();
                w.WriteString("errorCode", d.ErrorCode);
                w.WriteString("message", d.Message);
                if (d.RelatedResource != null)
                {
                    WriteRelated(w, d.RelatedResource);
                }

                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (related != null)
        {
            WriteRelated(w, related);
        }

        w.WriteEndObject();
    }

    private static void WriteRelated(Utf8JsonWriter w, RelatedResource r)
    {
        w.WriteStartObject("relatedResource");
        w.WriteString("resourceId", r.ResourceId);
        w.WriteString("resourceType", r.ResourceType);
        w.WriteEndObject();
    }
}
