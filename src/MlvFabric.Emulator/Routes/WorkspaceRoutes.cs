using System;
using System.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlvFabric.Emulator.Http;
using MlvFabric.Emulator.State;

namespace MlvFabric.Emulator.Routes;

/// <summary>Workspaces, lakehouses and items (read-only).</summary>
internal static class WorkspaceRoutes
{
    public static void Map(IEndpointRouteBuilder v1, EmulatorContext emu)
    {
        v1.MapGet("/workspaces", ctx =>
        {
            var after = Paging.ReadToken(ctx, 'w');
            var page = Paging.Ascending(emu.State.Workspaces, w => w.Seq, after, emu.Settings.PageSize, out var more);
            return Paging.WriteAsync(ctx, 'w', page, more ? page[^1].Seq : null, EntityWriters.Workspace);
        });

        v1.MapGet("/workspaces/{ws}", ctx =>
            JsonOut.WriteAsync(ctx, 200, Resolve.Workspace(emu, ctx), EntityWriters.Workspace));

        v1.MapGet("/workspaces/{ws}/lakehouses", ctx => ListItems(ctx, emu, 'l', Item.LakehouseType));

        v1.MapGet("/workspaces/{ws}/items", ctx =>
        {
            var type = ctx.Request.Query["type"].ToString();
            return ListItems(ctx, emu, 'i', type.Length == 0 ? null : type);
        });

        foreach (var form in Resolve.Forms)
        {
            v1.MapGet($"/workspaces/{{ws}}/{Resolve.Segment(form)}/{{item}}", ctx =>
                JsonOut.WriteAsync(ctx, 200, Resolve.Item(emu, ctx, form), EntityWriters.Item));
        }
    }

    /// <summary>Items of a workspace, optionally of one type (matched case-insensitively).</summary>
    private static System.Threading.Tasks.Task ListItems(HttpContext ctx, EmulatorContext emu, char kind, string? type)
    {
        var ws = Resolve.Workspace(emu, ctx);
        var after = Paging.ReadToken(ctx, kind);
        var items = ws.Items;
        if (type != null)
        {
            items = items.Where(i => string.Equals(i.Type, type, StringComparison.OrdinalIgnoreCase)).ToArray();
        }

        var page = Paging.Ascending(items, i => i.Seq, after, emu.Settings.PageSize, out var more);
        return Paging.WriteAsync(ctx, kind, page, more ? page[^1].Seq : null, EntityWriters.Item);
    }
}
