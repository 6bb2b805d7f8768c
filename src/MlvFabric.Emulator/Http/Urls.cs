using Microsoft.AspNetCore.Http;

namespace MlvFabric.Emulator.Http;

/// <summary>Absolute URLs on the host the client called.</summary>
internal static class Urls
{
    public static string Origin(HttpContext ctx) => ctx.Request.Scheme + "://" + ctx.Request.Host.Value;

    public static string Api(HttpContext ctx, string pathUnderV1) => Origin(ctx) + "/v1/" + pathUnderV1;
}
