using System;
using System.Text.Json;
using MlvFabric.Emulator.Jobs;
using MlvFabric.Emulator.State;

namespace MlvFabric.Emulator.Http;

/// <summary>The service's JSON shapes of each entity.</summary>
internal static class EntityWriters
{
    private static readonly JsonSerializerOptions ConfigOptions = new(JsonSerializerDefaults.Web);

    public static void Workspace(Utf8JsonWriter w, Workspace ws)
    {
        w.WriteStartObject();
        w.WriteString("id", ws.Id);
        w.WriteString("displayName", ws.DisplayName);
        w.WriteString("description", ws.Description);
        w.WriteString("type", "Workspace");
        w.WriteString("capacityId", ws.CapacityId);
        w.WriteEndObject();
    }

    public static void Item(Utf8JsonWriter w, Item item)
    {
        w.WriteStartObject();
        w.WriteString("id", item.Id);
        w.WriteString("type", item.Type);
        w.WriteString("displayName", item.DisplayName);
        w.WriteString("description", item.Description);
        w.WriteString("workspaceId", item.Workspace.Id);
        w.WriteEndObject();
    }

    public static void Schedule(Utf8JsonWriter w, Schedule s)
    {
        w.WriteStartObject();
        w.WriteString("id", s.Id);
        w.WriteBoolean("enabled", s.Enabled);
        w.WriteServiceTime("createdDateTime", s.CreatedUtc);
        w.WritePropertyName("configuration");
        JsonSerializer.Serialize(w, s.Configuration, ConfigOptions);
        w.WriteStartObject("owner");
        w.WriteString("id", s.Owner.Oid);
        w.WriteString("type", s.Owner.PrincipalType);
        w.WriteEndObject();
        if (s.ExecutionDefinitionId is { } def)
        {
            w.WriteStartObject("executionData");
            w.WriteString("mlvExecutionDefinitionId", def);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>A job instance at <paramref name="now"/>: nothing beyond the contract's fields.</summary>
    public static void Job(Utf8JsonWriter w, JobInstance j, DateTime now, string mlvLabel)
    {
        w.WriteStartObject();
        w.WriteString("id", j.Id);
        w.WriteString("itemId", j.ItemId);
        w.WriteString("jobType", j.IsMlv ? mlvLabel : j.JobType);
        w.WriteString("invokeType", j.InvokeType);
        var status = j.StatusAt(now);
        w.WriteString("status", status);
        w.WriteString("rootActivityId", j.RootActivityId);
        w.WriteServiceTime("startTimeUtc", j.StartUtc);
        if (j.EndTimeAt(now) is { } end)
        {
            w.WriteServiceTime("endTimeUtc", end);
        }
        else
        {
            w.WriteNull("endTimeUtc");
        }

        if (status == JobStatus.Failed && j.Failure is { } f)
        {
            w.WritePropertyName("failureReason");
            JsonOut.WriteErrorObject(w, f.ErrorCode, f.Message, f.RequestId.ToString(), false, null, null);
        }
        else
        {
            w.WriteNull("failureReason");
        }

        w.WriteEndObject();
    }

    public static void Definition(Utf8JsonWriter w, ExecutionDefinition d)
    {
        w.WriteStartObject();
        w.WriteString("id", d.Id);
        w.WriteString("displayName", d.DisplayName);
        w.WriteStringIfNotNull("description", d.Description);
        if (d.HasSettings)
        {
            w.WriteStartObject("settings");
            w.WriteStringIfNotNull("refreshMode", d.RefreshMode);
            if (d.Environment != null)
            {
                w.WritePropertyName("environment");
                Reference(w, d.Environment);
            }
            w.WriteEndObject();
        }
        w.WriteStartObject("currentLakehouseExecutionContext");
        w.WriteString("mode", d.Mode);
        if (d.SelectedMlvs != null)
        {
            w.WriteStartArray("selectedMlvs");
            foreach (var m in d.SelectedMlvs)
            {
                w.WriteStringValue(m);
            }

            w.WriteEndArray();
        }
        w.WriteEndObject();
        if (d.ExtendedMode != null)
        {
            w.WriteStartObject("extendedLineageExecutionContext");
            w.WriteString("mode", d.ExtendedMode);
            if (d.SelectedLakehouses != null)
            {
                w.WriteStartArray("selectedLakehouses");
                foreach (var r in d.SelectedLakehouses)
                {
                    Reference(w, r);
                }

                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static void Reference(Utf8JsonWriter w, ItemReference r)
    {
        w.WriteStartObject();
        w.WriteString("referenceType", r.ReferenceType);
        w.WriteString("itemId", r.ItemId);
        w.WriteString("workspaceId", r.WorkspaceId);
        w.WriteEndObject();
    }
}
