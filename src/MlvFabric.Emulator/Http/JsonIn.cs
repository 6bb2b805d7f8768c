using System;
using System.IO;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace MlvFabric.Emulator.Http;

/// <summary>
/// Request bodies. The service reads JSON with case-insensitive property names and ignores unknown properties;
/// malformed JSON is 400 <c>InvalidRequest</c>.
/// </summary>
internal static class JsonIn
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    private const string BodyKey = "MlvFabric.Body";

    /// <summary>The raw body (read once; kept for the request log and the handler).</summary>
    public static async ValueTask<byte[]> ReadBytesAsync(HttpContext ctx)
    {
        if (ctx.Items.TryGetValue(BodyKey, out var cached) && cached is byte[] bytes)
        {
            return bytes;
        }

        using var buffer = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(buffer, ctx.RequestAborted);
        bytes = buffer.ToArray();
        ctx.Items[BodyKey] = bytes;
        return bytes;
    }

    /// <summary>The body as a JSON document; null when the body is empty (or only whitespace).</summary>
    public static async ValueTask<JsonDocument?> ReadOptionalAsync(HttpContext ctx)
    {
        var bytes = await ReadBytesAsync(ctx);
        if (IsBlank(bytes))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "The request body is not valid JSON: " + e.Message);
        }
    }

    /// <summary>The body as a JSON object; 400 when it is missing or not an object.</summary>
    public static async ValueTask<JsonDocument> ReadObjectAsync(HttpContext ctx)
    {
        var doc = await ReadOptionalAsync(ctx)
                  ?? throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "The request body is required.");
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "The request body must be a JSON object.");
        }

        return doc;
    }

    private static bool IsBlank(byte[] bytes)
    {
        foreach (var b in bytes)
        {
            if (b != (byte)' ' && b != (byte)'\t' && b != (byte)'\r' && b != (byte)'\n')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A property by case-insensitive name (the exact-case one first).</summary>
    public static bool TryGet(this JsonElement obj, string name, out JsonElement value)
    {
        value = default;
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        if (obj.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (var p in obj.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = p.Value;
                return true;
            }
        }
        return false;
    }

    /// <summary>A property present with a non-null value.</summary>
    public static bool TryGetValue(this JsonElement obj, string name, out JsonElement value) =>
        obj.TryGet(name, out value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>An optional string property; 400 when present with another type.</summary>
    public static string? GetOptionalString(this JsonElement obj, string name, string path)
    {
        if (!obj.TryGetValue(name, out var v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"'{path}' must be a string.");
        }

        return v.GetString();
    }

    /// <summary>Deserializes a value; a type mismatch is 400 <c>InvalidRequest</c>.</summary>
    public static T Deserialize<T>(JsonElement element, string path)
    {
        try
        {
            return element.Deserialize<T>(Options)!;
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest,
                $"'{path}' has a value of the wrong type: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"'{path}' is not valid: {e.Message}");
        }
    }

    /// <summary>A GUID in the service's accepted forms; 400 <c>InvalidRequest</c> otherwise.</summary>
    public static Guid ParseGuid(string? text, string path)
    {
        if (text != null && Guid.TryParse(text, out var id))
        {
            return id;
        }

        throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"'{path}' must be a GUID; got '{text}'.");
    }
}
