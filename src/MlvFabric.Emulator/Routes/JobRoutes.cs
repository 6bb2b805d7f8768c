using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlvFabric.Emulator.Http;
using MlvFabric.Emulator.Jobs;
using MlvFabric.Emulator.State;

namespace MlvFabric.Emulator.Routes;

/// <summary>
/// Job instances. By default only the spec's operations: on <c>/items/{id}/jobs/</c> run on demand
/// (<c>{jobType}/instances</c>, older <c>instances?jobType=</c>), list (all job types), get and cancel; on
/// <c>/lakehouses/{id}/jobs/</c> only the runs (<c>refreshMaterializedLakeViews/instances</c> without a body,
/// <c>tableMaintenance/instances</c>, older <c>instances?jobType=</c>). With <c>ServeArticleForms</c> also the MLV
/// article's spellings: get, list and cancel under <c>/lakehouses/</c>, the MLV-only <c>{jobType}/instances</c> list,
/// the list's <c>jobType</c> filter, <c>{jobType}/schedules/{jobId}/cancel</c>, and a body on the lakehouse MLV run.
/// </summary>
internal static class JobRoutes
{
    /// <summary>What a run operation accepts as a body.</summary>
    private enum RunBody
    {
        /// <summary>The items operation: optional <c>{ executionData: object, parameters }</c>.</summary>
        Optional,

        /// <summary>The lakehouse MLV operation: none.</summary>
        None,

        /// <summary>The lakehouse table maintenance operation: required <c>{ executionData: { tableName, … } }</c>.</summary>
        TableMaintenance,
    }

    public static void Map(IEndpointRouteBuilder v1, EmulatorContext emu)
    {
        var article = emu.StartupOptions.ServeArticleForms;
        const string items = "/workspaces/{ws}/items/{item}/jobs";
        const string lakehouses = "/workspaces/{ws}/lakehouses/{item}/jobs";

        v1.MapPost(items + "/instances", ctx => Run(ctx, emu, ItemForm.Items, QueryJobType(ctx), _ => RunBody.Optional))
            .WithMetadata(ApiEndpoint.JobSubmission);
        v1.MapPost(items + "/{jobType}/instances", ctx => Run(ctx, emu, ItemForm.Items, RouteJobType(ctx), _ => RunBody.Optional))
            .WithMetadata(ApiEndpoint.JobSubmission);
        v1.MapGet(items + "/instances", ctx => List(ctx, emu, ItemForm.Items, mlvOnly: false, article)).WithMetadata(ApiEndpoint.JobStatusRead);
        v1.MapGet(items + "/instances/{job}", ctx => Get(ctx, emu, ItemForm.Items)).WithMetadata(ApiEndpoint.JobStatusRead);
        v1.MapPost(items + "/instances/{job}/cancel", ctx => Cancel(ctx, emu, ItemForm.Items)).WithMetadata(ApiEndpoint.MlvJob);

        // The lakehouse runs: the MLV one takes no body, table maintenance needs one; the older query form follows the job type.
        var lakehouseBody = (string jobType) => jobType == JobInstance.TableMaintenanceJobType ? RunBody.TableMaintenance
            : article ? RunBody.Optional : RunBody.None;
        v1.MapPost(lakehouses + "/instances", ctx => Run(ctx, emu, ItemForm.Lakehouses, QueryJobType(ctx), lakehouseBody))
            .WithMetadata(ApiEndpoint.JobSubmission);
        v1.MapPost(lakehouses + "/tableMaintenance/instances",
                ctx => Run(ctx, emu, ItemForm.Lakehouses, JobInstance.TableMaintenanceJobType, lakehouseBody))
            .WithMetadata(ApiEndpoint.JobSubmission);
        if (!article)
        {
            v1.MapPost(lakehouses + "/refreshMaterializedLakeViews/instances",
                    ctx => Run(ctx, emu, ItemForm.Lakehouses, JobInstance.MlvJobType, lakehouseBody))
                .WithMetadata(ApiEndpoint.JobSubmission);
            return;
        }

        v1.MapPost(lakehouses + "/{jobType}/instances", ctx => Run(ctx, emu, ItemForm.Lakehouses, RouteJobType(ctx), lakehouseBody))
            .WithMetadata(ApiEndpoint.JobSubmission);
        v1.MapGet(lakehouses + "/instances", ctx => List(ctx, emu, ItemForm.Lakehouses, mlvOnly: false, article)).WithMetadata(ApiEndpoint.JobStatusRead);
        v1.MapGet(lakehouses + "/instances/{job}", ctx => Get(ctx, emu, ItemForm.Lakehouses)).WithMetadata(ApiEndpoint.JobStatusRead);
        v1.MapPost(lakehouses + "/instances/{job}/cancel", ctx => Cancel(ctx, emu, ItemForm.Lakehouses)).WithMetadata(ApiEndpoint.MlvJob);
        foreach (var form in Resolve.Forms)
        {
            var jobs = $"/workspaces/{{ws}}/{Resolve.Segment(form)}/{{item}}/jobs";
            v1.MapGet(jobs + "/{jobType}/instances", ctx => List(ctx, emu, form, mlvOnly: true, article)).WithMetadata(ApiEndpoint.JobStatusRead);
            // The seed article's cancel URL (a documentation slip).
            v1.MapPost(jobs + "/{jobType}/schedules/{job}/cancel", ctx => Cancel(ctx, emu, form)).WithMetadata(ApiEndpoint.MlvJob);
        }
    }

    private static string QueryJobType(HttpContext ctx) => ctx.Request.Query["jobType"].ToString();

    private static string? RouteJobType(HttpContext ctx) => ctx.Request.RouteValues["jobType"] as string;

    /// <summary>
    /// Run on demand. MLV: optional body <c>{ executionData: { mlvExecutionDefinitionId } }</c> where the operation
    /// takes one; <c>parameters</c> is 400 <c>FeatureNotAvailable</c>. 202, no body, item-scoped <c>Location</c>,
    /// <c>Retry-After</c>.
    /// </summary>
    private static async Task Run(HttpContext ctx, EmulatorContext emu, ItemForm form, string? jobType, Func<string, RunBody> bodyOf)
    {
        var lh = Resolve.ForRun(emu, ctx, form, jobType, out var canonical);
        var definitionId = await ReadRunBody(ctx, canonical, bodyOf(canonical));
        JobInstance job;
        lock (lh.Gate)
        {
            var caller = ApiPipeline.Caller(ctx).Oid;
            if (canonical == JobInstance.TableMaintenanceJobType)
            {
                job = emu.Jobs.RunTableMaintenance(lh, "Manual", emu.Clock.UtcNow, caller);
            }
            else
            {
                ExecutionDefinition? def = null;
                if (definitionId is { } id)
                {
                    def = lh.FindDefinition(id) ?? throw Resolve.EntityNotFound("execution definition", id);
                }

                job = emu.Jobs.Run(lh, "Manual", emu.Clock.UtcNow, def, callerOid: caller);
            }
        }
        Accepted(ctx, emu, lh, job);
    }

    /// <summary>Checks the body against what the operation takes; returns the MLV execution definition to run, if any.</summary>
    private static async Task<Guid?> ReadRunBody(HttpContext ctx, string jobType, RunBody rule)
    {
        using var doc = await JsonIn.ReadOptionalAsync(ctx);
        if (doc is null)
        {
            if (rule == RunBody.TableMaintenance)
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest,
                    "The request body is required: { \"executionData\": { \"tableName\": \"…\" } }.");
            }

            return null;
        }
        if (rule == RunBody.None)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest,
                "This operation takes no request body; to run an execution definition use POST …/items/{itemId}/jobs/RefreshMaterializedLakeViews/instances.");
        }

        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "The request body must be a JSON object.");
        }

        if (root.TryGetValue("parameters", out _))
        {
            throw ApiException.BadRequest(ErrorCodes.FeatureNotAvailable,
                "Parameter is not allowed for this item type or this item job type");
        }

        var hasData = root.TryGet("executionData", out var data);
        if (hasData && data.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "'executionData' must be an object.");
        }

        if (rule == RunBody.TableMaintenance)
        {
            if (!hasData)
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "'executionData' is required: { \"tableName\": \"…\" }.");
            }

            var table = data.GetOptionalString("tableName", "executionData.tableName");
            if (string.IsNullOrEmpty(table) || table.Length > 256 || !table.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
                || table.All(char.IsAsciiDigit))
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest,
                    "'executionData.tableName' is required: 1 to 256 letters, digits and underscores, not only digits.");
            }

            return null;
        }
        if (!hasData || jobType != JobInstance.MlvJobType)
        {
            return null;
        }

        var text = data.GetOptionalString("mlvExecutionDefinitionId", "executionData.mlvExecutionDefinitionId");
        return text is null ? null : JsonIn.ParseGuid(text, "executionData.mlvExecutionDefinitionId");
    }

    private static void Accepted(HttpContext ctx, EmulatorContext emu, Lakehouse lh, JobInstance job)
    {
        var headers = ctx.Response.Headers;
        headers.Location = Urls.Api(ctx, $"workspaces/{lh.Workspace.Id}/items/{lh.Id}/jobs/instances/{job.Id}");
        headers.RetryAfter = emu.Settings.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        ctx.Response.StatusCode = 202;
        ctx.Response.ContentLength = 0;
    }

    /// <summary>Newest first; the token is the sequence number of the page's last instance.</summary>
    private static Task List(HttpContext ctx, EmulatorContext emu, ItemForm form, bool mlvOnly, bool article)
    {
        Item item;
        if (mlvOnly)
        {
            item = Resolve.ForMlvJob(emu, ctx, form, ctx.Request.RouteValues["jobType"] as string);
        }
        else
        {
            item = Resolve.Item(emu, ctx, form);
            // The spec's list takes no jobType filter: the service ignores the parameter and so do we.
            var filter = article ? QueryJobType(ctx) : "";
            if (filter.Length > 0)
            {
                Resolve.CheckJobType(filter);
                mlvOnly = true;
            }
        }
        var after = Paging.ReadToken(ctx, 'j');
        var now = emu.Clock.UtcNow;
        var page = new List<JobInstance>();
        long? last = null;
        if (item is Lakehouse lh)
        {
            var size = emu.Settings.PageSize;
            lock (lh.Gate)
            {
                emu.Jobs.Prune(lh, now);
                var jobs = lh.Jobs;
                var i = jobs.Count - 1;
                if (after is { } a)
                {
                    int lo = 0, hi = jobs.Count; // first index with Seq >= a
                    while (lo < hi)
                    {
                        var mid = (lo + hi) >>> 1;
                        if (jobs[mid].Seq < a)
                        {
                            lo = mid + 1;
                        }
                        else
                        {
                            hi = mid;
                        }
                    }
                    i = lo - 1;
                }
                for (; i >= 0; i--)
                {
                    var j = jobs[i];
                    if (mlvOnly && !j.IsMlv)
                    {
                        continue;
                    }

                    if (page.Count == size)
                    {
                        last = page[^1].Seq;
                        break;
                    }
                    page.Add(j);
                }
            }
        }
        var label = emu.Settings.JobTypeLabel;
        return Paging.WriteAsync(ctx, 'j', page, last, (w, j) => EntityWriters.Job(w, j, now, label));
    }

    private static JobInstance Find(HttpContext ctx, EmulatorContext emu, ItemForm form, out Lakehouse? lh)
    {
        var item = Resolve.Item(emu, ctx, form);
        if (ctx.Request.RouteValues["jobType"] is string jobType)
        {
            Resolve.CheckJobType(jobType);
        }

        var id = Resolve.PathGuid(ctx, "job", "jobInstanceId");
        lh = item as Lakehouse;
        if (lh != null)
        {
            lock (lh.Gate)
            {
                if (lh.JobsById.TryGetValue(id, out var job))
                {
                    return job;
                }
            }
        }

        throw Resolve.EntityNotFound("job instance", id);
    }

    private static Task Get(HttpContext ctx, EmulatorContext emu, ItemForm form)
    {
        var job = Find(ctx, emu, form, out _);
        var now = emu.Clock.UtcNow;
        if (!JobStatus.IsTerminal(job.StatusAt(now)))
        {
            ctx.Response.Headers.RetryAfter = emu.Settings.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        var label = emu.Settings.JobTypeLabel;
        return JsonOut.WriteAsync(ctx, 200, (job, now, label), static (w, s) => EntityWriters.Job(w, s.job, s.now, s.label));
    }

    private static Task Cancel(HttpContext ctx, EmulatorContext emu, ItemForm form)
    {
        var job = Find(ctx, emu, form, out var lh);
        lock (lh!.Gate)
        {
            emu.Jobs.Cancel(job, emu.Clock.UtcNow);
        }

        Accepted(ctx, emu, lh, job);
        return Task.CompletedTask;
    }
}
