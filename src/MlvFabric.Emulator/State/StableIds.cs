using System;
using System.Security.Cryptography;
using System.Text;

namespace MlvFabric.Emulator;

/// <summary>
/// Deterministic ids: a name-based (version 5 style, SHA-1) GUID of <c>"mlvfabric-emulator/" + kind + "/" + names</c>,
/// names lower-cased. The seed's ids never change between runs, so docs and tests can rely on them.
/// </summary>
public static class StableIds
{
    public static Guid Workspace(string workspace) => Of("workspace", workspace);

    public static Guid Lakehouse(string workspace, string lakehouse) => Of("item", workspace, lakehouse);

    /// <summary>Any item (lakehouses included: same id as <see cref="Lakehouse"/>).</summary>
    public static Guid Item(string workspace, string item) => Of("item", workspace, item);

    public static Guid Capacity(string name) => Of("capacity", name);

    public static Guid Tenant(string name) => Of("tenant", name);

    /// <summary>Object id (oid) or application id of a principal named <paramref name="name"/>.</summary>
    public static Guid Principal(string name) => Of("principal", name);

    public static Guid Of(string kind, params string[] names)
    {
        var text = "mlvfabric-emulator/" + kind + "/" + string.Join("/", names).ToLowerInvariant();
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(Encoding.UTF8.GetBytes(text), hash);
        var bytes = hash[..16].ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50); // version 5
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true);
    }
}
