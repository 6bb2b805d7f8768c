using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlvFabric.Emulator.Auth;
using MlvFabric.Emulator.Http;

namespace MlvFabric.Emulator.Routes;

/// <summary>
/// A managed-identity endpoint like App Service's and Azure Automation's (what MSAL/Azure.Identity use when
/// <c>IDENTITY_ENDPOINT</c> and <c>IDENTITY_HEADER</c> are set; api-version 2019-08-01):
/// <c>GET /_emulator/identity/token?api-version=2019-08-01&amp;resource=…[&amp;client_id=…|&amp;mi_res_id=…]</c> with
/// header <c>X-IDENTITY-HEADER</c>. Answers <c>{ access_token, expires_on (unix seconds, string), resource,
/// token_type, client_id }</c> with an app token. Errors as App Service: 400 for a missing header, api-version or
/// resource; 401 for a wrong secret.
/// </summary>
internal static class IdentityRoutes
{
    public static void Map(IEndpointRouteBuilder c, EmulatorContext emu)
    {
        c.MapGet("/identity/token", ctx =>
        {
            var q = ctx.Request.Query;
            var header = ctx.Request.Headers["X-IDENTITY-HEADER"].ToString();
            if (header.Length == 0)
            {
                return Error(ctx, 400, "The request is missing the X-IDENTITY-HEADER header.");
            }

            if (!string.Equals(header, emu.ManagedIdentitySecret, StringComparison.Ordinal))
            {
                return Error(ctx, 401, "The X-IDENTITY-HEADER header value is not valid.");
            }

            if (q["api-version"].ToString() != "2019-08-01")
            {
                return Error(ctx, 400, "The api-version parameter must be 2019-08-01.");
            }

            var resource = q["resource"].ToString();
            if (resource.Length == 0)
            {
                return Error(ctx, 400, "The resource parameter is required.");
            }

            var clientId = q["client_id"].ToString();
            var resId = q["mi_res_id"].ToString();
            var appId = clientId.Length > 0 ? clientId
                : resId.Length > 0 ? StableIds.Principal("mi:" + resId).ToString()
                : TokenService.ManagedIdentityAppId;
            var token = emu.Tokens.Mint(new TokenRequest
            {
                Kind = "managedIdentity",
                AppId = appId,
                Audience = resource.TrimEnd('/').Replace("/.default", ""),
                LifetimeSeconds = 3600,
            });
            return JsonOut.WriteAsync(ctx, 200, (token, resource, appId), static (w, s) =>
            {
                w.WriteStartObject();
                w.WriteString("access_token", s.token.AccessToken);
                w.WriteString("expires_on", new DateTimeOffset(s.token.ExpiresOnUtc).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("resource", s.resource);
                w.WriteString("token_type", "Bearer");
                w.WriteString("client_id", s.appId);
                w.WriteEndObject();
            });
        });
    }

    private static Task Error(HttpContext ctx, int status, string message) =>
        JsonOut.WriteAsync(ctx, status, (status, message), static (w, s) =>
        {
            w.WriteStartObject();
            w.WriteNumber("statusCode", s.status);
            w.WriteString("message", s.message);
            w.WriteString("correlationId", Guid.NewGuid().ToString());
            w.WriteEndObject();
        });
}
