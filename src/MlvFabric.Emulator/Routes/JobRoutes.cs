using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlvFabric.Emulator.Http;
using MlvFabric.Emulator.Jobs;
using MlvFabric.Emulator.State;

namespace MlvFabric.Emulator.Routes;

/// <summary>
/// Job instances. Every spelling maps onto one handler per operation:
/// run on demand (<c>jobs/{jobType}/instances</c> and <c>jobs/instances?jobType=</c>, on <c>/items/</c> and
/// <c>/lakehouses/</c>: the contract's four), list (all job types on <c>jobs/instances</c>, MLV only on
/// <c>jobs/{jobType}/instances</c>), get, and cancel (also on the seed document's
/// <c>jobs/{jobType}/schedules/{jobId}/cancel</c>).
/// </summary>
internal static class JobRoutes
{
    public static void Map(IEndpointRouteBuilder v1, EmulatorContext emu)
    {
        foreach (var form in Resolve.Forms)
        {
            var item = $"/workspaces/{{ws}}/{Resolve.Segment(form)}/{{item}}/jobs";
            v1.MapPost(item + "/instances", ctx => Run(ctx, emu, form, ctx.Request.Query["jobType"].ToString()))
                .WithMetadata(ApiEndpoint.JobSubmission);
            v1.MapPost(item + "/{jobType}/instances", ctx => Run(ctx, emu, form, ctx.Request.RouteValues["jobType"] as string))
                .WithMetadata(ApiEndpoint.JobSubmission);

            v1.MapGet(item + "/instances", ctx => List(ctx, emu, form, mlvOnly: false)).WithMetadata(ApiEndpoint.JobStatusRead);
            v1.MapGet(item + "/{jobType}/instances", ctx => List(ctx, emu, form, mlvOnly: true)).WithMetadata(ApiEndpoint.JobStatusRead);

            v1.MapGet(item + "/instances/{job}", ctx => Get(ctx, emu, form)).WithMetadata(ApiEndpoint.JobStatusRead);

            v1.MapPost(item + "/instances/{job}/cancel", ctx => Cancel(ctx, emu, form)).WithMetadata(ApiEndpoint.MlvJob);
            v1.MapPost(item + "/{jobType}/schedules/{job}/cancel", ctx => Cancel(ctx, emu, form)).WithMetadata(ApiEndpoint.MlvJob);
        }
    }

    /// <summary>
    /// Run on demand: optional body <c>{ executionData: { mlvExecutionDefinitionId } }</c>; <c>parameters</c> is
    /// 400 <c>FeatureNotAvailable</c>. 202, no body, item-scoped <c>Location</c>, <c>Retry-After</c>.
    /// </summary>
    private static async Task Run(HttpContext ctx, EmulatorContext emu, ItemForm form, string? jobType)
    {
        var lh = Resolve.ForMlvJob(emu, ctx, form, jobType);
        Guid? definitionId = null;
        using (var doc = await JsonIn.ReadOptionalAsync(ctx))
        {
            if (doc != null)
            {
                var root = doc.RootElement;
                if (root.ValueKind != System.Text.Json.JsonValueKind.Object)
                    throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "The request body must be a JSON object.");
                if (root.TryGetValue("parameters", out _))
                    throw ApiException.BadRequest(ErrorCodes.FeatureNotAvailable,
                        "Parameter is not allowed for this item type or this item job type");
                if (root.TryGetValue("executionData", out var data))
                {
                    if (data.ValueKind != System.Text.Json.JsonValueKind.Object)
                        throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "'executionData' must be an object.");
                    var text = data.GetOptionalString("mlvExecutionDefinitionId", "executionData.mlvExecutionDefinitionId");
                    if (text != null)
                        definitionId = JsonIn.ParseGuid(text, "executionData.mlvExecutionDefinitionId");
                }
            }
        }
        JobInstance job;
        lock (lh.Gate)
        {
            ExecutionDefinition? def = null;
            if (definitionId is { } id)
                def = lh.FindDefinition(id) ?? throw Resolve.EntityNotFound("execution definition", id);
            job = emu.Jobs.Run(lh, "Manual", emu.Clock.UtcNow, def, callerOid: ApiPipeline.Caller(ctx).Oid);
        }
        Accepted(ctx, emu, lh, job);
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
    private static Task List(HttpContext ctx, EmulatorContext emu, ItemForm form, bool mlvOnly)
    {
        Item item;
        if (mlvOnly)
            item = Resolve.ForMlvJob(emu, ctx, form, ctx.Request.RouteValues["jobType"] as string);
        else
        {
            item = Resolve.Item(emu, ctx, form);
            var filter = ctx.Request.Query["jobType"].ToString();
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
                        if (jobs[mid].Seq < a) lo = mid + 1; else hi = mid;
                    }
                    i = lo - 1;
                }
                for (; i >= 0; i--)
                {
                    var j = jobs[i];
                    if (mlvOnly && !j.IsMlv)
                        continue;
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
            Resolve.CheckJobType(jobType);
        var id = Resolve.PathGuid(ctx, "job", "jobInstanceId");
        lh = item as Lakehouse;
        if (lh != null)
            lock (lh.Gate)
                if (lh.JobsById.TryGetValue(id, out var job))
                    return job;
        throw Resolve.EntityNotFound("job instance", id);
    }

    private static Task Get(HttpContext ctx, EmulatorContext emu, ItemForm form)
    {
        var job = Find(ctx, emu, form, out _);
        var now = emu.Clock.UtcNow;
        if (!JobStatus.IsTerminal(job.StatusAt(now)))
            ctx.Response.Headers.RetryAfter = emu.Settings.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var label = emu.Settings.JobTypeLabel;
        return JsonOut.WriteAsync(ctx, 200, (job, now, label), static (w, s) => EntityWriters.Job(w, s.job, s.now, s.label));
    }

    private static Task Cancel(HttpContext ctx, EmulatorContext emu, ItemForm form)
    {
        var job = Find(ctx, emu, form, out var lh);
        lock (lh!.Gate)
            emu.Jobs.Cancel(job, emu.Clock.UtcNow);
        Accepted(ctx, emu, lh, job);
        return Task.CompletedTask;
    }
}
