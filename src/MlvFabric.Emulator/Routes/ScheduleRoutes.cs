using System;
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
using MlvFabric.Scheduling;

namespace MlvFabric.Emulator.Routes;

/// <summary>
/// Schedules, one handler per operation. By default the spec's: all five on
/// <c>/workspaces/{ws}/items/{item}/jobs/{jobType}/schedules[/{id}]</c>, and create, PATCH and DELETE on
/// <c>/workspaces/{ws}/lakehouses/{item}/jobs/refreshMaterializedLakeViews/schedules[/{id}]</c>. With
/// <c>ServeArticleForms</c> all five on the lakehouse form too (any job type spelling), and <c>executionData: null</c>
/// unlinks the definition as the emulator used to allow.
/// </summary>
internal static class ScheduleRoutes
{
    public static void Map(IEndpointRouteBuilder v1, EmulatorContext emu)
    {
        var article = emu.StartupOptions.ServeArticleForms;
        var items = "/workspaces/{ws}/items/{item}/jobs/{jobType}/schedules";
        MapAll(v1, emu, ItemForm.Items, items, article);
        if (article)
        {
            MapAll(v1, emu, ItemForm.Lakehouses, "/workspaces/{ws}/lakehouses/{item}/jobs/{jobType}/schedules", article);
            return;
        }
        var lakehouses = "/workspaces/{ws}/lakehouses/{item}/jobs/refreshMaterializedLakeViews/schedules";
        v1.MapPost(lakehouses, ctx => Create(ctx, emu, ItemForm.Lakehouses, article)).WithMetadata(ApiEndpoint.MlvJob);
        v1.MapPatch(lakehouses + "/{schedule}", ctx => Update(ctx, emu, ItemForm.Lakehouses, article)).WithMetadata(ApiEndpoint.MlvJob);
        v1.MapDelete(lakehouses + "/{schedule}", ctx => Delete(ctx, emu, ItemForm.Lakehouses)).WithMetadata(ApiEndpoint.MlvJob);
    }

    private static void MapAll(IEndpointRouteBuilder v1, EmulatorContext emu, ItemForm form, string b, bool article)
    {
        v1.MapPost(b, ctx => Create(ctx, emu, form, article)).WithMetadata(ApiEndpoint.MlvJob);
        v1.MapGet(b, ctx => List(ctx, emu, form)).WithMetadata(ApiEndpoint.MlvJob);
        v1.MapGet(b + "/{schedule}", ctx => Get(ctx, emu, form)).WithMetadata(ApiEndpoint.MlvJob);
        v1.MapPatch(b + "/{schedule}", ctx => Update(ctx, emu, form, article)).WithMetadata(ApiEndpoint.MlvJob);
        v1.MapDelete(b + "/{schedule}", ctx => Delete(ctx, emu, form)).WithMetadata(ApiEndpoint.MlvJob);
    }

    /// <summary>The lakehouse; the job type comes from the path (the lakehouse form spells it as a literal segment).</summary>
    private static Lakehouse Target(HttpContext ctx, EmulatorContext emu, ItemForm form) =>
        Resolve.ForMlvJob(emu, ctx, form, ctx.Request.RouteValues["jobType"] as string ?? JobInstance.MlvJobType);

    private static async Task Create(HttpContext ctx, EmulatorContext emu, ItemForm form, bool article)
    {
        var lh = Target(ctx, emu, form);
        using var doc = await JsonIn.ReadObjectAsync(ctx);
        var body = ReadBody(doc.RootElement, article, emu);
        var caller = ApiPipeline.Caller(ctx);
        Schedule schedule;
        lock (lh.Gate)
        {
            if (lh.Schedules.Count >= emu.Settings.MaxSchedulesPerItem)
            {
                throw ApiException.BadRequest(ErrorCodes.ScheduleExceedsLimit,
                    $"The number of created schedules for the item exceeds the limit of {emu.Settings.MaxSchedulesPerItem}.");
            }

            CheckDefinition(lh, body.DefinitionId);
            CheckScope(emu, lh, null, body.Enabled, body.DefinitionId);
            var now = emu.Clock.UtcNow;
            schedule = new Schedule(Guid.NewGuid(), emu.State.NextSeq(), now)
            {
                Enabled = body.Enabled,
                Configuration = body.Configuration,
                Owner = caller,
                ExecutionDefinitionId = body.DefinitionId,
            };
            lh.Schedules.Add(schedule);
            Arm(emu, lh, schedule, now, fireIfPastStart: true);
        }
        ctx.Response.Headers.Location = Urls.Api(ctx,
            $"workspaces/{lh.Workspace.Id}/items/{lh.Id}/jobs/{JobInstance.MlvJobType}/schedules/{schedule.Id}");
        await Write(ctx, emu, lh, schedule, 201);
    }

    private static Task List(HttpContext ctx, EmulatorContext emu, ItemForm form)
    {
        var lh = Target(ctx, emu, form);
        var after = Paging.ReadToken(ctx, 's');
        System.Collections.Generic.List<string> rendered;
        long? last;
        lock (lh.Gate)
        {
            var page = Paging.Ascending(lh.Schedules, s => s.Seq, after, emu.Settings.PageSize, out var more);
            // Schedules are mutable: render them under the lock.
            rendered = page.Select(s => JsonOut.ToText(s, EntityWriters.Schedule)).ToList();
            last = more ? page[^1].Seq : null;
        }
        return Paging.WriteAsync(ctx, 's', rendered, last, static (w, t) => w.WriteRawValue(t, skipInputValidation: true));
    }

    private static Task Get(HttpContext ctx, EmulatorContext emu, ItemForm form)
    {
        var lh = Target(ctx, emu, form);
        var id = Resolve.PathGuid(ctx, "schedule", "scheduleId");
        lock (lh.Gate)
        {
            var s = lh.FindSchedule(id) ?? throw Resolve.EntityNotFound("schedule", id);
            return Write(ctx, emu, lh, s, 200);
        }
    }

    private static async Task Update(HttpContext ctx, EmulatorContext emu, ItemForm form, bool article)
    {
        var lh = Target(ctx, emu, form);
        var id = Resolve.PathGuid(ctx, "schedule", "scheduleId");
        using var doc = await JsonIn.ReadObjectAsync(ctx);
        var body = ReadBody(doc.RootElement, article, emu);
        Schedule s;
        lock (lh.Gate)
        {
            s = lh.FindSchedule(id) ?? throw Resolve.EntityNotFound("schedule", id);
            var definitionId = body.HasExecutionData ? body.DefinitionId : s.ExecutionDefinitionId;
            CheckDefinition(lh, definitionId);
            CheckScope(emu, lh, s, body.Enabled, definitionId);
            var startChanged = !string.Equals(s.Configuration.StartDateTime, body.Configuration.StartDateTime, StringComparison.Ordinal)
                               || !s.Enabled;
            s.Enabled = body.Enabled;
            s.Configuration = body.Configuration;
            s.Owner = ApiPipeline.Caller(ctx);
            s.ExecutionDefinitionId = definitionId;
            Arm(emu, lh, s, emu.Clock.UtcNow, fireIfPastStart: startChanged);
        }
        await Write(ctx, emu, lh, s, 200);
    }

    private static Task Delete(HttpContext ctx, EmulatorContext emu, ItemForm form)
    {
        var lh = Target(ctx, emu, form);
        var id = Resolve.PathGuid(ctx, "schedule", "scheduleId");
        lock (lh.Gate)
        {
            var s = lh.FindSchedule(id) ?? throw Resolve.EntityNotFound("schedule", id);
            lh.Schedules.Remove(s);
            s.Pending?.Dispose();
        }
        return JsonOut.EmptyAsync(ctx, 200);
    }

    /// <summary>
    /// Arms the scheduler for occurrences after now; an enabled schedule whose start is already past (and whose end
    /// is not) runs once at once, as the service does. On update that happens only when the start changed or the
    /// schedule was disabled, so editing a running schedule's times does not trigger a run.
    /// </summary>
    private static void Arm(EmulatorContext emu, Lakehouse lh, Schedule s, DateTime now, bool fireIfPastStart)
    {
        Scheduler.Arm(s, now);
        if (!s.Enabled || !fireIfPastStart)
        {
            return;
        }

        var c = s.Configuration;
        ScheduleTimeZones.TryResolve(c.LocalTimeZoneId, out _, out var tz);
        if (ScheduleDateTimes.TryParse(c.StartDateTime, tz, out var start) && start <= now
            && ScheduleDateTimes.TryParse(c.EndDateTime, tz, out var end) && end > now)
        {
            var def = s.ExecutionDefinitionId is { } d ? lh.FindDefinition(d) : null;
            emu.Jobs.Run(lh, "Scheduled", now, def, s.Id, now, s.Owner.Oid);
        }
    }

    private static Task Write(HttpContext ctx, EmulatorContext emu, Lakehouse lh, Schedule s, int status)
    {
        // Rendered at once (the caller may hold the lakehouse lock; the schedule may change right after).
        var text = JsonOut.ToText(s, EntityWriters.Schedule);
        return JsonOut.WriteAsync(ctx, status, text, static (w, t) => w.WriteRawValue(t, skipInputValidation: true));
    }

    private static void CheckDefinition(Lakehouse lh, Guid? definitionId)
    {
        if (definitionId is { } id && lh.FindDefinition(id) is null)
        {
            throw Resolve.EntityNotFound("execution definition", id);
        }
    }

    /// <summary>With <c>EnforceOneSchedulePerScope</c>: one enabled schedule per scope (whole lineage, or one definition).</summary>
    private static void CheckScope(EmulatorContext emu, Lakehouse lh, Schedule? self, bool enabled, Guid? definitionId)
    {
        if (!emu.Settings.EnforceOneSchedulePerScope || !enabled)
        {
            return;
        }

        if (lh.Schedules.Any(o => o != self && o.Enabled && o.ExecutionDefinitionId == definitionId))
        {
            throw new ApiException(409, ErrorCodes.ConflictingRequest,
                "Materialized Lake View supports only one active refresh schedule per lineage scope.");
        }
    }

    private sealed record Body(bool Enabled, ScheduleConfiguration Configuration, bool HasExecutionData, Guid? DefinitionId);

    /// <summary>
    /// <c>{ enabled, configuration, executionData? }</c>: both of the first two required (PATCH too: full
    /// replacement). Property names are case-insensitive and unknown ones ignored, except a Monthly <c>days</c>
    /// array (400 <c>InvalidConfiguration</c>). <c>executionData</c> is an object or absent: the spec has no way to
    /// unlink a definition, so <c>null</c> is 400 unless <paramref name="article"/> (then it unlinks, as before).
    /// </summary>
    private static Body ReadBody(JsonElement root, bool article, EmulatorContext emu)
    {
        if (!root.TryGetValue("enabled", out var enabled))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "'enabled' is required (true or false).");
        }

        if (enabled.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "'enabled' must be true or false.");
        }

        ScheduleConfiguration? config = null;
        if (root.TryGetValue("configuration", out var c))
        {
            if (c.ValueKind != JsonValueKind.Object)
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "'configuration' must be an object.");
            }

            if (c.TryGet("days", out _) && c.TryGetValue("type", out var t) && t.ValueKind == JsonValueKind.String
                && string.Equals(t.GetString(), ScheduleTypes.Monthly, StringComparison.OrdinalIgnoreCase))
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidConfiguration,
                    "configuration.days is not supported for a Monthly schedule: use occurrence { occurrenceType: DayOfMonth, dayOfMonth } or { occurrenceType: OrdinalWeekday, weekIndex, weekday }.");
            }

            config = JsonIn.Deserialize<ScheduleConfiguration>(c, "configuration");
        }
        var errors = ScheduleValidator.Validate(config);
        if (errors.Count > 0)
        {
            throw ApiException.BadRequest(errors[0].ErrorCode, string.Join(" ", errors.Select(e => e.Message)),
                errors.Select(e => new ErrorDetail(e.ErrorCode, e.Message)).ToList());
        }

        var hasData = root.TryGet("executionData", out var data);
        Guid? definitionId = null;
        if (hasData && data.ValueKind == JsonValueKind.Object)
        {
            var text = data.GetOptionalString("mlvExecutionDefinitionId", "executionData.mlvExecutionDefinitionId");
            if (text != null)
            {
                definitionId = JsonIn.ParseGuid(text, "executionData.mlvExecutionDefinitionId");
            }
        }
        else if (hasData && !(article && data.ValueKind == JsonValueKind.Null))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest,
                "'executionData' must be an object { \"mlvExecutionDefinitionId\": \"…\" } or omitted; to drop a definition create a new schedule.");
        }

        if (emu.Settings.NormalizeScheduleDateTimes)
        {
            config = Normalized(config!);
        }

        return new Body(enabled.GetBoolean(), config!, hasData, definitionId);
    }

    /// <summary>
    /// The configuration as a service that stores wall times keeps it: start and end as wall times in the schedule's
    /// zone without offset or fraction (the spec's examples), times of day as <c>HH:mm</c>.
    /// </summary>
    private static ScheduleConfiguration Normalized(ScheduleConfiguration config)
    {
        var copy = config.Clone();
        if (!ScheduleTimeZones.TryResolve(copy.LocalTimeZoneId, out _, out var zone))
        {
            return copy;
        }

        copy.StartDateTime = WallTime(copy.StartDateTime, zone);
        copy.EndDateTime = WallTime(copy.EndDateTime, zone);
        copy.Times = copy.Times?.Select(t => TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out var time)
            ? time.ToString(@"hh\:mm", CultureInfo.InvariantCulture)
            : t).ToArray();
        return copy;
    }

    private static string? WallTime(string? text, TimeZoneInfo zone) =>
        ScheduleDateTimes.TryParse(text, zone, out var utc)
            ? TimeZoneInfo.ConvertTimeFromUtc(utc, zone).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
            : text;
}
