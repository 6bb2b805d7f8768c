using System.Collections;
using System.Management.Automation.Language;

namespace MlvFabric.Tests.Infrastructure;

/// <summary>Reads a .psd1 the way Import-PowerShellDataFile does (that cmdlet is not in the in-process engine).</summary>
public static class ManifestData
{
    public static Hashtable Read(string path)
    {
        var ast = Parser.ParseFile(path, out _, out var errors);
        if (errors.Length > 0)
        {
            throw new System.InvalidOperationException($"{path}: {errors[0]}");
        }

        var table = (HashtableAst)ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false)!;
        return (Hashtable)table.SafeGetValue();
    }
}
