using System;
using Microsoft.AspNetCore.Http;
using MlvFabric.Emulator.Http;
using MlvFabric.Emulator.Jobs;
using MlvFabric.Emulator.State;

namespace MlvFabric.Emulator.Routes;

/// <summary>How an item appears in a path: <c>/items/{id}</c> (any item) or <c>/lakehouses/{id}</c> (lakehouses only).</summary>
internal enum ItemForm { Items, Lakehouses }

/// <summary>
/// Path lookups shared by every route, in the service's order: GUID syntax (400), workspace (404
/// <c>WorkspaceNotFound</c>), item (404 <c>ItemNotFound</c>; a non-lakehouse on the <c>/lakehouses/</c> form is not
/// found either), job type (400 <c>InvalidJobType</c>, also for an item type that has no MLV jobs).
/// </summary>
internal static class Resolve
{
    public static readonly ItemForm[] Forms = { ItemForm.Items, ItemForm.Lakehouses };

    public static string Segment(ItemForm form) => form == ItemForm.Items ? "items" : "lakehouses";

    /// <summary>
    /// A route GUID. The contract is silent on malformed ids; the service's model validation answers
    /// 400 <c>InvalidInput</c> with one <c>InvalidParameter</c> detail naming the parameter, and so do we.
    /// </summary>
    public static Guid PathGuid(HttpContext ctx, string routeKey, string parameterName)
    {
        var text = ctx.Request.RouteValues[routeKey] as string;
        if (Guid.TryParse(text, out var id))
        {
            return id;
        }

        throw ApiException.BadRequest(ErrorCodes.InvalidInput, "The request has an invalid input.",
            new[] { new ErrorDetail(ErrorCodes.InvalidParameter, $"'{text}' is not a valid value for {parameterName}: a GUID is expected.") });
    }

    public static Workspace Workspace(EmulatorContext emu, HttpContext ctx)
    {
        var id = PathGuid(ctx, "ws", "workspaceId");
        return emu.State.FindWorkspace(id)
               ?? throw ApiException.NotFound(ErrorCodes.WorkspaceNotFound, "The requested workspace was not found.",
                   new RelatedResource(id.ToString(), "Workspace"));
    }

    public static Item Item(EmulatorContext emu, HttpContext ctx, ItemForm form)
    {
        var ws = Workspace(emu, ctx);
        var id = PathGuid(ctx, "item", form == ItemForm.Items ? "itemId" : "lakehouseId");
        var item = ws.Find(id);
        if (item is null || (form == ItemForm.Lakehouses && !item.IsLakehouse))
        {
            throw ApiException.NotFound(ErrorCodes.ItemNotFound, "The requested item was not found.",
                new RelatedResource(id.ToString(), form == ItemForm.Items ? "Item" : "Lakehouse"));
        }

        return item;
    }

    public static Lakehouse Lakehouse(EmulatorContext emu, HttpContext ctx) =>
        (Lakehouse)Item(emu, ctx, ItemForm.Lakehouses);

    /// <summary>A lakehouse for an MLV job route: the item must exist and the job type must be the MLV refresh.</summary>
    public static Lakehouse ForMlvJob(EmulatorContext emu, HttpContext ctx, ItemForm form, string? jobType)
    {
        var item = Item(emu, ctx, form);
        CheckJobType(jobType);
        if (item is not Lakehouse lh)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidJobType,
                $"The job type '{jobType}' is not valid for an item of type '{item.Type}'.");
        }

        return lh;
    }

    /// <summary>
    /// A lakehouse and the canonical job type for a run on demand: <c>RefreshMaterializedLakeViews</c> or
    /// <c>TableMaintenance</c> (any casing); anything else, or a non-lakehouse item, is 400 <c>InvalidJobType</c>.
    /// </summary>
    public static Lakehouse ForRun(EmulatorContext emu, HttpContext ctx, ItemForm form, string? jobType, out string canonical)
    {
        if (string.Equals(jobType, JobInstance.TableMaintenanceJobType, StringComparison.OrdinalIgnoreCase))
        {
            var item = Item(emu, ctx, form);
            canonical = JobInstance.TableMaintenanceJobType;
            return item as Lakehouse ?? throw ApiException.BadRequest(ErrorCodes.InvalidJobType,
                $"The job type '{jobType}' is not valid for an item of type '{item.Type}'.");
        }
        canonical = JobInstance.MlvJobType;
        return ForMlvJob(emu, ctx, form, jobType);
    }

    /// <summary>
    /// Only <c>RefreshMaterializedLakeViews</c> (any casing) is a job type here; the Monitor-hub label
    /// <c>MaterializedLakeViews</c> is refused like any other name.
    /// </summary>
    public static void CheckJobType(string? jobType)
    {
        if (string.IsNullOrEmpty(jobType))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidJobType, "The jobType is required: use 'RefreshMaterializedLakeViews'.");
        }

        if (!string.Equals(jobType, JobInstance.MlvJobType, StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidJobType,
                $"The job type '{jobType}' is not valid for this item: use 'RefreshMaterializedLakeViews'.");
        }
    }

    public static ApiException EntityNotFound(string what, Guid id) =>
        ApiException.NotFound(ErrorCodes.EntityNotFound, $"The requested {what} was not found.",
            new RelatedResource(id.ToString(), what switch
            {
                "schedule" => "Schedule",
                "job instance" => "JobInstance",
                _ => "MaterializedLakeViewExecutionDefinition",
            }));
}
