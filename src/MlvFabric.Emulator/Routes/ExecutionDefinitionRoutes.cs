using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlvFabric.Emulator.Http;
using MlvFabric.Emulator.State;

namespace MlvFabric.Emulator.Routes;

/// <summary>
/// <c>/workspaces/{ws}/lakehouses/{lh}/mlvExecutionDefinitions[/{id}]</c> (path matched case-insensitively):
/// create 201 + Location, list, get, partial PATCH, DELETE (which also deletes the schedules linked to it).
/// </summary>
internal static class ExecutionDefinitionRoutes
{
    private const string Base = "/workspaces/{ws}/lakehouses/{item}/mlvExecutionDefinitions";

    public static void Map(IEndpointRouteBuilder v1, EmulatorContext emu)
    {
        v1.MapPost(Base, ctx => Create(ctx, emu));
        v1.MapGet(Base, ctx => List(ctx, emu));
        v1.MapGet(Base + "/{definition}", ctx => Get(ctx, emu));
        v1.MapPatch(Base + "/{definition}", ctx => Update(ctx, emu));
        v1.MapDelete(Base + "/{definition}", ctx => Delete(ctx, emu));
    }

    private static async Task Create(HttpContext ctx, EmulatorContext emu)
    {
        var lh = Resolve.Lakehouse(emu, ctx);
        using var doc = await JsonIn.ReadObjectAsync(ctx);
        var root = doc.RootElement;
        if (!root.TryGetValue("displayName", out _))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "'displayName' is required.");
        }

        if (!root.TryGetValue("currentLakehouseExecutionContext", out _))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest,
                "'currentLakehouseExecutionContext' is required: { \"mode\": \"All\" } or { \"mode\": \"Selected\", \"selectedMlvs\": [\"schema.view\"] }.");
        }

        string text;
        ExecutionDefinition def;
        lock (lh.Gate)
        {
            def = new ExecutionDefinition(Guid.NewGuid(), emu.State.NextSeq());
            Apply(def, root, lh);
            lh.Definitions.Add(def);
            text = JsonOut.ToText(def, EntityWriters.Definition);
        }
        ctx.Response.Headers.Location = Urls.Api(ctx,
            $"workspaces/{lh.Workspace.Id}/lakehouses/{lh.Id}/mlvExecutionDefinitions/{def.Id}");
        await WriteRaw(ctx, 201, text);
    }

    private static Task List(HttpContext ctx, EmulatorContext emu)
    {
        var lh = Resolve.Lakehouse(emu, ctx);
        var after = Paging.ReadToken(ctx, 'd');
        List<string> rendered;
        long? last;
        lock (lh.Gate)
        {
            var page = Paging.Ascending(lh.Definitions, d => d.Seq, after, emu.Settings.PageSize, out var more);
            rendered = page.Select(d => JsonOut.ToText(d, EntityWriters.Definition)).ToList();
            last = more ? page[^1].Seq : null;
        }
        return Paging.WriteAsync(ctx, 'd', rendered, last, static (w, t) => w.WriteRawValue(t, skipInputValidation: true));
    }

    private static Task Get(HttpContext ctx, EmulatorContext emu)
    {
        var lh = Resolve.Lakehouse(emu, ctx);
        var id = Resolve.PathGuid(ctx, "definition", "mlvExecutionDefinitionId");
        string text;
        lock (lh.Gate)
        {
            text = JsonOut.ToText(lh.FindDefinition(id) ?? throw Resolve.EntityNotFound("execution definition", id),
                EntityWriters.Definition);
        }

        return WriteRaw(ctx, 200, text);
    }

    /// <summary>Partial update: omitted properties keep their values; <c>null</c> clears an optional one.</summary>
    private static async Task Update(HttpContext ctx, EmulatorContext emu)
    {
        var lh = Resolve.Lakehouse(emu, ctx);
        var id = Resolve.PathGuid(ctx, "definition", "mlvExecutionDefinitionId");
        using var doc = await JsonIn.ReadObjectAsync(ctx);
        string text;
        lock (lh.Gate)
        {
            var def = lh.FindDefinition(id) ?? throw Resolve.EntityNotFound("execution definition", id);
            // Validate on a copy so a rejected PATCH changes nothing.
            var copy = Copy(def);
            Apply(copy, doc.RootElement, lh);
            CopyInto(copy, def);
            text = JsonOut.ToText(def, EntityWriters.Definition);
        }
        await WriteRaw(ctx, 200, text);
    }

    private static Task Delete(HttpContext ctx, EmulatorContext emu)
    {
        var lh = Resolve.Lakehouse(emu, ctx);
        var id = Resolve.PathGuid(ctx, "definition", "mlvExecutionDefinitionId");
        lock (lh.Gate)
        {
            var def = lh.FindDefinition(id) ?? throw Resolve.EntityNotFound("execution definition", id);
            lh.Definitions.Remove(def);
            foreach (var s in lh.Schedules.Where(s => s.ExecutionDefinitionId == id).ToList())
            {
                lh.Schedules.Remove(s);
                s.Pending?.Dispose();
            }
        }
        return JsonOut.EmptyAsync(ctx, 200);
    }

    private static Task WriteRaw(HttpContext ctx, int status, string json) =>
        JsonOut.WriteAsync(ctx, status, json, static (w, t) => w.WriteRawValue(t, skipInputValidation: true));

    /// <summary>Applies the properties present in <paramref name="body"/> with the service's validation (400 <c>InvalidRequest</c>, 409 on a taken name).</summary>
    private static void Apply(ExecutionDefinition def, JsonElement body, Lakehouse lh)
    {
        if (body.TryGet("displayName", out var name))
        {
            if (name.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(name.GetString()))
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "'displayName' must be a non-empty string.");
            }

            var n = name.GetString()!;
            if (n.Length > 256)
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "'displayName' must be at most 256 characters.");
            }

            if (n.Any(char.IsControl))
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "'displayName' must not contain control characters.");
            }

            if (lh.Definitions.Any(d => d.Id != def.Id && string.Equals(d.DisplayName, n, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ApiException(409, ErrorCodes.ConflictingRequest,
                    $"A conflicting materialized lake views execution definition already exists: the name '{n}' is taken in this lakehouse.");
            }

            def.DisplayName = n;
        }
        if (body.TryGet("description", out var description))
        {
            if (description.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "'description' must be a string.");
            }

            def.Description = description.GetString();
        }
        if (body.TryGet("settings", out var settings))
        {
            ApplySettings(def, settings);
        }

        if (body.TryGet("currentLakehouseExecutionContext", out var current))
        {
            ApplyCurrent(def, current, lh);
        }

        if (body.TryGet("extendedLineageExecutionContext", out var extended))
        {
            ApplyExtended(def, extended);
        }
    }

    private static void ApplySettings(ExecutionDefinition def, JsonElement settings)
    {
        if (settings.ValueKind == JsonValueKind.Null)
        {
            def.HasSettings = false;
            def.RefreshMode = null;
            def.Environment = null;
            return;
        }
        if (settings.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, "'settings' must be an object.");
        }

        def.HasSettings = true;
        if (settings.TryGet("refreshMode", out var mode))
        {
            def.RefreshMode = mode.ValueKind == JsonValueKind.Null
                ? null
                : OneOf(mode, "settings.refreshMode", "Optimal", "Full");
        }

        if (settings.TryGet("environment", out var env))
        {
            def.Environment = env.ValueKind == JsonValueKind.Null ? null : Reference(env, "settings.environment");
        }
    }

    private static void ApplyCurrent(ExecutionDefinition def, JsonElement ctx, Lakehouse lh)
    {
        const string path = "currentLakehouseExecutionContext";
        if (ctx.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"'{path}' is required and must be an object.");
        }

        if (!ctx.TryGetValue("mode", out var modeElement))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"'{path}.mode' is required: All or Selected.");
        }

        var mode = OneOf(modeElement, path + ".mode", "All", "Selected");
        var hasList = ctx.TryGetValue("selectedMlvs", out var list);
        if (mode == "All")
        {
            if (hasList && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0)
            {
                throw ApiException.BadRequest(ErrorCodes.InvalidRequest,
                    $"'{path}.selectedMlvs' is only allowed with mode 'Selected'.");
            }

            def.Mode = "All";
            def.SelectedMlvs = null;
            return;
        }
        if (!hasList || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest,
                $"'{path}.selectedMlvs' is required with mode 'Selected': a non-empty array of 'schema.view' names.");
        }

        var names = new List<string>();
        var details = new List<ErrorDetail>();
        var i = 0;
        foreach (var e in list.EnumerateArray())
        {
            var n = e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();
            var parts = n.Split('.');
            if (e.ValueKind != JsonValueKind.String || parts.Length != 2 || parts.Any(p => p.Trim().Length == 0))
            {
                details.Add(new ErrorDetail(ErrorCodes.InvalidRequest, $"{path}.selectedMlvs[{i}] '{n}' is not a 'schema.view' name."));
            }
            else if (names.Contains(n, StringComparer.OrdinalIgnoreCase))
            {
                details.Add(new ErrorDetail(ErrorCodes.InvalidRequest, $"{path}.selectedMlvs[{i}] '{n}' is listed twice."));
            }
            else if (lh.Lineage.Find(n) is null)
            {
                details.Add(new ErrorDetail(ErrorCodes.InvalidRequest,
                    $"{path}.selectedMlvs[{i}] '{n}' is not a materialized lake view of lakehouse '{lh.DisplayName}'."));
            }

            names.Add(n);
            i++;
        }
        if (details.Count > 0)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, string.Join(" ", details.Select(d => d.Message)), details);
        }

        def.Mode = "Selected";
        def.SelectedMlvs = names;
    }

    private static void ApplyExtended(ExecutionDefinition def, JsonElement ctx)
    {
        const string path = "extendedLineageExecutionContext";
        if (ctx.ValueKind == JsonValueKind.Null)
        {
            def.ExtendedMode = null;
            def.SelectedLakehouses = null;
            return;
        }
        if (ctx.ValueKind != JsonValueKind.Object || !ctx.TryGetValue("mode", out var modeElement))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"'{path}.mode' is required: All or Selected.");
        }

        var mode = OneOf(modeElement, path + ".mode", "All", "Selected");
        if (mode == "All")
        {
            def.ExtendedMode = "All";
            def.SelectedLakehouses = null;
            return;
        }
        if (!ctx.TryGetValue("selectedLakehouses", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest,
                $"'{path}.selectedLakehouses' is required with mode 'Selected': a non-empty array of {{ referenceType: ById, itemId, workspaceId }}.");
        }

        var refs = new List<ItemReference>();
        var i = 0;
        foreach (var e in list.EnumerateArray())
        {
            refs.Add(Reference(e, $"{path}.selectedLakehouses[{i++}]"));
        }

        def.ExtendedMode = "Selected";
        def.SelectedLakehouses = refs;
    }

    private static ItemReference Reference(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"'{path}' must be an object {{ referenceType: ById, itemId, workspaceId }}.");
        }

        if (!e.TryGetValue("referenceType", out var type))
        {
            throw ApiException.BadRequest(ErrorCodes.InvalidRequest, $"'{path}.referenceType' is required: ById.");
        }

        var kind = OneOf(type, path + ".referenceType", "ById");
        var itemId = JsonIn.ParseGuid(e.GetOptionalString("itemId", path + ".itemId"), path + ".itemId");
        var workspaceId = JsonIn.ParseGuid(e.GetOptionalString("workspaceId", path + ".workspaceId"), path + ".workspaceId");
        return new ItemReference(kind, itemId, workspaceId);
    }

    /// <summary>An enum value, any casing; returns the canonical spelling.</summary>
    private static string OneOf(JsonElement e, string path, params string[] allowed)
    {
        var text = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        var match = allowed.FirstOrDefault(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase));
        return match ?? throw ApiException.BadRequest(ErrorCodes.InvalidRequest,
            $"'{path}' must be {string.Join(" or ", allowed)}; got {(text is null ? e.GetRawText() : "'" + text + "'")}.");
    }

    private static ExecutionDefinition Copy(ExecutionDefinition d)
    {
        var c = new ExecutionDefinition(d.Id, d.Seq);
        CopyInto(d, c);
        return c;
    }

    private static void CopyInto(ExecutionDefinition from, ExecutionDefinition to)
    {
        to.DisplayName = from.DisplayName;
        to.Description = from.Description;
        to.HasSettings = from.HasSettings;
        to.RefreshMode = from.RefreshMode;
        to.Environment = from.Environment;
        to.Mode = from.Mode;
        to.SelectedMlvs = from.SelectedMlvs?.ToList();
        to.ExtendedMode = from.ExtendedMode;
        to.SelectedLakehouses = from.SelectedLakehouses?.ToList();
    }
}
