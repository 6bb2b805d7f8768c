using Microsoft.AspNetCore.Http;

namespace MlvFabric.Emulator.Http;

/// <summary>
/// Absolute URLs for <c>Location</c> and <c>continuationUri</c>: on the host the client called, or on the
/// <c>PublicOrigin</c> setting's host (a regional or private-link host), which the pipeline puts on the request.
/// </summary>
internal static class Urls
{
    public const string PublicOriginKey = "MlvFabric.PublicOrigin";

    public static string Origin(HttpContext ctx) =>
        ctx.Items.TryGetValue(PublicOriginKey, out var origin) && origin is string configured
            ? configured
            : ctx.Request.Scheme + "://" + ctx.Request.Host.Value;

    public static string Api(HttpContext ctx, string pathUnderV1) => Origin(ctx) + "/v1/" + pathUnderV1;
}
