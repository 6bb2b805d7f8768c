using System;
using System.Collections.Generic;
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
/// Control of the tenant: inventory, bulk lakehouses, per-lakehouse run settings and lineage, generated job history,
/// and the internal detail of a job instance.
/// </summary>
internal static class LakehouseControlRoutes
{
    public static void Map(IEndpointRouteBuilder c, EmulatorContext emu)
    {
        c.MapGet("/tenant", ctx => JsonOut.WriteAsync(ctx, 200, emu.State, static (w, state) =>
        {
            w.WriteStartObject();
            w.WriteString("tenantId", state.TenantId);
            w.WriteStartArray("workspaces");
            foreach (var ws in state.Workspaces)
            {
                w.WriteStartObject();
                w.WriteString("id", ws.Id);
                w.WriteString("displayName", ws.DisplayName);
                w.WriteStartArray("items");
                foreach (var item in ws.Items)
                {
                    w.WriteStartObject();
                    w.WriteString("id", item.Id);
                    w.WriteString("type", item.Type);
                    w.WriteString("displayName", item.DisplayName);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }));

        c.MapPost("/seed/lakehouses", async ctx =>
        {
            var b = await ControlRoutes.ReadAsync<BulkLakehousesBody>(ctx);
            ControlRoutes.Check(b.Count, 1, 100_000, "count");
            ControlRoutes.Check(b.MlvCount, 0, 1000, "mlvCount");
            if (string.IsNullOrWhiteSpace(b.Workspace))
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "'workspace' is required.");
            }

            var state = emu.State;
            var ws = state.FindWorkspace(b.Workspace) ?? state.AddWorkspace(b.Workspace, description: "Bulk lakehouses");
            var start = ws.Items.Count(i => i.DisplayName.StartsWith(b.NamePrefix, StringComparison.OrdinalIgnoreCase));
            var created = new List<Item>();
            for (var i = 0; i < b.Count; i++)
            {
                var name = $"{b.NamePrefix}{start + i + 1:0000}";
                var schema = "s" + (start + i + 1);
                var seed = new SeedLakehouse
                {
                    Name = name,
                    DurationSeconds = b.DurationSeconds,
                    QueueSeconds = b.QueueSeconds,
                    FailureRate = b.FailureRate,
                    FailureCode = b.FailureCode,
                };
                for (var m = 0; m < b.MlvCount; m++)
                {
                    seed.Mlvs.Add(new SeedMlv
                    {
                        Name = $"{schema}.mlv{m + 1}",
                        DependsOn = m == 0 ? null : new List<string> { $"{schema}.mlv{m}" },
                    });
                }

                created.Add(state.CreateLakehouse(ws, seed));
            }
            state.AddItems(ws, created);
            await JsonOut.WriteAsync(ctx, 201, (ws, created), static (w, s) =>
            {
                w.WriteStartObject();
                w.WriteString("workspaceId", s.ws.Id);
                w.WriteStartArray("lakehouses");
                foreach (var lh in s.created)
                {
                    w.WriteStartObject();
                    w.WriteString("id", lh.Id);
                    w.WriteString("displayName", lh.DisplayName);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
        });

        c.MapGet("/lakehouses/{id}", ctx => WriteLakehouse(ctx, emu, Find(ctx, emu), 200));

        c.MapPut("/lakehouses/{id}/settings", async ctx =>
        {
            var lh = Find(ctx, emu);
            var b = await ControlRoutes.ReadAsync<LakehouseSettingsBody>(ctx);
            lock (lh.Gate)
            {
                var s = lh.Settings.Clone();
                if (b.DurationSeconds is { } d)
                {
                    s.DurationSeconds = NonNegative(d, "durationSeconds");
                }

                if (b.QueueSeconds is { } q)
                {
                    s.QueueSeconds = NonNegative(q, "queueSeconds");
                }

                if (b.FailureRate is { } f)
                {
                    s.FailureRate = f is >= 0 and <= 1 ? f
                        : throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "'failureRate' must be 0 to 1.");
                }

                if (b.FailureCode != null)
                {
                    s.FailureCode = b.FailureCode;
                }

                if (b.FailureMessage != null)
                {
                    s.FailureMessage = b.FailureMessage;
                }

                if (b.MaxCompletedJobs is { } m)
                {
                    s.MaxCompletedJobs = ControlRoutes.Check(m, 0, int.MaxValue, "maxCompletedJobs");
                }

                if (b.UnknownStatus != null)
                {
                    s.UnknownStatus = JobEngine.CheckUnknownStatus(b.UnknownStatus, "unknownStatus");
                }

                if (b.UnknownStatusSeconds is { } us)
                {
                    s.UnknownStatusSeconds = ControlRoutes.CheckSeconds(us, "unknownStatusSeconds");
                }

                lh.Settings = s;
            }
            await WriteLakehouse(ctx, emu, lh, 200);
        });

        c.MapPost("/lakehouses/{id}/mlvs", async ctx =>
        {
            var lh = Find(ctx, emu);
            var b = await ControlRoutes.ReadAsync<MlvBody>(ctx);
            if (b.Name.Split('.').Length != 2)
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "'name' must be 'schema.view'.");
            }

            lock (lh.Gate)
            {
                if (lh.Lineage.Find(b.Name) != null)
                {
                    throw new ApiException(409, ErrorCodes.ConflictingRequest, $"The lineage already has '{b.Name}'.");
                }

                foreach (var up in b.DependsOn ?? new List<string>())
                {
                    if (lh.Lineage.Find(up) is null)
                    {
                        throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"'{up}' is not in the lineage.");
                    }
                }

                lh.Lineage.Add(new MlvNode(b.Name, b.DependsOn));
            }
            await WriteLakehouse(ctx, emu, lh, 201);
        });

        c.MapDelete("/lakehouses/{id}/mlvs/{name}", ctx =>
        {
            var lh = Find(ctx, emu);
            var name = (string)ctx.Request.RouteValues["name"]!;
            lock (lh.Gate)
            {
                if (!lh.Lineage.Remove(name))
                {
                    throw ApiException.NotFound(ErrorCodes.EntityNotFound, $"Lakehouse '{lh.DisplayName}' has no MLV '{name}'.");
                }
            }

            return WriteLakehouse(ctx, emu, lh, 200);
        });

        c.MapPost("/lakehouses/{id}/jobs/history", async ctx =>
        {
            var lh = Find(ctx, emu);
            var b = await ControlRoutes.ReadAsync<HistoryBody>(ctx);
            ControlRoutes.Check(b.Count, 1, 10_000_000, "count");
            if (b.IntervalMinutes <= 0 || b.DurationSeconds < 0 || b.FailureRate is < 0 or > 1)
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "intervalMinutes must be > 0, durationSeconds >= 0, failureRate 0 to 1.");
            }

            int total, cap;
            lock (lh.Gate)
            {
                var now = emu.Clock.UtcNow;
                var before = lh.Jobs.Count > 0 ? (lh.Jobs[0].StartUtc < now ? lh.Jobs[0].StartUtc : now) : now;
                emu.Jobs.GenerateHistory(lh, b.Count, before, TimeSpan.FromMinutes(b.IntervalMinutes),
                    TimeSpan.FromSeconds(b.DurationSeconds), b.FailureRate, b.OtherJobTypeEvery, b.OtherJobType,
                    new Random(b.Seed ?? emu.StartupOptions.RandomSeed));
                total = lh.Jobs.Count;
                if (b.LiftCap)
                {
                    var s = lh.Settings.Clone();
                    s.MaxCompletedJobs = int.MaxValue; // no cap for this lakehouse until reset or PUT settings
                    lh.Settings = s;
                }
                else
                {
                    emu.Jobs.Prune(lh, now);
                }

                total = lh.Jobs.Count;
                cap = lh.Settings.MaxCompletedJobs ?? emu.Settings.MaxCompletedJobs;
            }
            await JsonOut.WriteAsync(ctx, 201, (b.Count, total, cap), static (w, s) =>
            {
                w.WriteStartObject();
                w.WriteNumber("generated", s.Count);
                w.WriteNumber("total", s.total);
                w.WriteNumber("maxCompletedJobs", s.cap);
                w.WriteEndObject();
            });
        });

        c.MapGet("/jobs/{id}", ctx =>
        {
            if (!Guid.TryParse(ctx.Request.RouteValues["id"] as string, out var id))
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidInput, "The job id must be a GUID.");
            }

            foreach (var lh in emu.State.Lakehouses)
            {
                JobInstance? job;
                lock (lh.Gate)
                {
                    lh.JobsById.TryGetValue(id, out job);
                }

                if (job != null)
                {
                    return JsonOut.WriteAsync(ctx, 200, (job, emu.Clock.UtcNow), static (w, s) => WriteJobDetail(w, s.job, s.UtcNow));
                }
            }
            throw ApiException.NotFound(ErrorCodes.EntityNotFound, $"No job instance {id}.");
        });
    }

    private static double NonNegative(double v, string name) =>
        v >= 0 ? v : throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"'{name}' must not be negative.");

    private static Lakehouse Find(HttpContext ctx, EmulatorContext emu)
    {
        var text = ctx.Request.RouteValues["id"] as string;
        if (!Guid.TryParse(text, out var id))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidInput, $"'{text}' is not a lakehouse id (GUID).");
        }

        return emu.State.FindLakehouse(id)
               ?? throw ApiException.NotFound(ErrorCodes.ItemNotFound, $"No lakehouse {id}.");
    }

    private static Task WriteLakehouse(HttpContext ctx, EmulatorContext emu, Lakehouse lh, int status)
    {
        string text;
        lock (lh.Gate)
        {
            text = JsonOut.ToText((lh, emu.Settings.MaxCompletedJobs), static (w, s) =>
            {
                var (lh, defaultCap) = s;
                w.WriteStartObject();
                w.WriteString("id", lh.Id);
                w.WriteString("workspaceId", lh.Workspace.Id);
                w.WriteString("displayName", lh.DisplayName);
                w.WriteStartObject("settings");
                w.WriteNumber("durationSeconds", lh.Settings.DurationSeconds);
                w.WriteNumber("queueSeconds", lh.Settings.QueueSeconds);
                w.WriteNumber("failureRate", lh.Settings.FailureRate);
                w.WriteString("failureCode", lh.Settings.FailureCode);
                w.WriteString("failureMessage", lh.Settings.FailureMessage);
                w.WriteNumber("maxCompletedJobs", lh.Settings.MaxCompletedJobs ?? defaultCap);
                if (lh.Settings.UnknownStatus is { } unknown)
                {
                    w.WriteString("unknownStatus", unknown);
                }
                else
                {
                    w.WriteNull("unknownStatus");
                }

                w.WriteNumber("unknownStatusSeconds", lh.Settings.UnknownStatusSeconds);
                w.WriteEndObject();
                w.WriteStartArray("mlvs");
                foreach (var n in lh.Lineage.Nodes)
                {
                    w.WriteStartObject();
                    w.WriteString("name", n.Name);
                    w.WriteStartArray("dependsOn");
                    foreach (var d in n.DependsOn)
                    {
                        w.WriteStringValue(d);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteNumber("schedules", lh.Schedules.Count);
                w.WriteNumber("executionDefinitions", lh.Definitions.Count);
                w.WriteNumber("jobs", lh.Jobs.Count);
                w.WriteEndObject();
            });
        }

        return JsonOut.WriteAsync(ctx, status, text, static (w, t) => w.WriteRawValue(t, skipInputValidation: true));
    }

    private static void WriteJobDetail(Utf8JsonWriter w, JobInstance j, DateTime now)
    {
        w.WriteStartObject();
        w.WriteString("id", j.Id);
        w.WriteString("workspaceId", j.WorkspaceId);
        w.WriteString("itemId", j.ItemId);
        w.WriteString("jobType", j.JobType);
        w.WriteString("invokeType", j.InvokeType);
        w.WriteString("status", j.StatusAt(now));
        w.WriteString("outcome", j.Outcome);
        w.WriteIso("startTimeUtc", j.StartUtc);
        w.WriteIso("runStartUtc", j.RunStartUtc);
        w.WriteIso("endUtc", j.EndUtc == DateTime.MaxValue ? null : j.EndUtc);
        w.WriteIso("cancelledUtc", j.CancelledUtc);
        w.WriteStringIfNotNull("supersededStatus", j.SupersededStatus);
        if (j.SupersededBy is { } by)
        {
            w.WriteString("supersededBy", by);
        }

        w.WriteStringIfNotNull("unknownStatus", j.UnknownStatus);
        if (j.UnknownStatus != null)
        {
            w.WriteIso("unknownStatusUntilUtc", j.UnknownStatusUntilUtc);
        }

        w.WriteBoolean("wholeLineage", j.WholeLineage);
        w.WriteStartArray("mlvs");
        foreach (var m in j.Mlvs)
        {
            w.WriteStringValue(m);
        }

        w.WriteEndArray();
        if (j.ExecutionDefinitionId is { } d)
        {
            w.WriteString("executionDefinitionId", d);
        }
        else
        {
            w.WriteNull("executionDefinitionId");
        }

        if (j.ScheduleId is { } s)
        {
            w.WriteString("scheduleId", s);
        }
        else
        {
            w.WriteNull("scheduleId");
        }

        w.WriteIso("scheduledOccurrenceUtc", j.ScheduledOccurrenceUtc);
        w.WriteStringIfNotNull("callerOid", j.CallerOid);
        if (j.Failure is { } f)
        {
            w.WritePropertyName("failureReason");
            JsonOut.WriteErrorObject(w, f.ErrorCode, f.Message, f.RequestId.ToString(), false, null, null);
        }
        else
        {
            w.WriteNull("failureReason");
        }

        w.WriteBoolean("isHistory", j.IsHistory);
        w.WriteEndObject();
    }
}
