using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace MlvFabric.Loader;

/// <summary>
/// The module's private load context on PowerShell 7. MlvFabric.Client and its whole dependency closure
/// (Azure.Core, Azure.Identity, MSAL, ...) load here, so whichever copies another module (Az.Accounts,
/// Microsoft.Graph) put in the default context, or hands out from its own Default.Resolving hook, never meet ours.
/// </summary>
public sealed class ModuleLoadContext : AssemblyLoadContext
{
    /// <summary>The one assembly the default context may ask us for: the cmdlet assembly references it.</summary>
    public const string BridgedAssemblyName = "MlvFabric.Client";

    private static readonly object Gate = new();
    private static ModuleLoadContext? _instance;

    private readonly string _dependencyDirectory;
    private readonly Dictionary<string, string> _ownAssemblies = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _hostAssemblies = new(StringComparer.OrdinalIgnoreCase);

    private ModuleLoadContext(string dependencyDirectory)
        : base("MlvFabric", isCollectible: false)
    {
        _dependencyDirectory = dependencyDirectory;
        // The host's own assemblies (the framework and $PSHOME): the trusted platform assemblies list.
        var trusted = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
        foreach (var file in trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            _hostAssemblies[Path.GetFileNameWithoutExtension(file)] = file;
        }

        foreach (var file in Directory.EnumerateFiles(dependencyDirectory, "*.dll"))
        {
            _ownAssemblies[Path.GetFileNameWithoutExtension(file)] = file;
        }
    }

    /// <summary>The context, once <see cref="Initialize"/> has run; null before.</summary>
    public static ModuleLoadContext? Instance => _instance;

    /// <summary>The folder the context loads from.</summary>
    public string DependencyDirectory => _dependencyDirectory;

    /// <summary>
    /// Creates the context (once per process; later calls, e.g. from Import-Module -Force or another runspace,
    /// return the same one) and bridges <see cref="BridgedAssemblyName"/> from the default context.
    /// </summary>
    public static ModuleLoadContext Initialize(string dependencyDirectory)
    {
        if (_instance is not null)
        {
            return _instance;
        }

        lock (Gate)
        {
            if (_instance is null)
            {
                var fullPath = Path.GetFullPath(dependencyDirectory);
                if (!Directory.Exists(fullPath))
                {
                    throw new DirectoryNotFoundException($"MlvFabric dependency folder not found: '{fullPath}'. Reinstall the module.");
                }

                var context = new ModuleLoadContext(fullPath);
                Default.Resolving += context.ResolveBridgedAssembly;
                _instance = context;
            }
        }

        return _instance;
    }

    // Answers the default context only for our client assembly, and only when it asks for a version we have.
    private Assembly? ResolveBridgedAssembly(AssemblyLoadContext requester, AssemblyName name)
    {
        if (!string.Equals(name.Name, BridgedAssemblyName, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return LoadFromAssemblyName(name);
    }

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is null || !_ownAssemblies.TryGetValue(assemblyName.Name, out var path))
        {
            // Not ours (System.Management.Automation, the framework): the default context answers.
            return null;
        }

        if (IsProvidedByHost(assemblyName.Name, path))
        {
            // A framework-level assembly we ship for Windows PowerShell (System.Memory, System.Text.Json,
            // Microsoft.Bcl.AsyncInterfaces, ...): the host's copy is the same or newer, and sharing it keeps those
            // types unified. Azure.* and MSAL are never host assemblies, so they always load from our folder.
            return null;
        }

        return LoadFromAssemblyPath(path);
    }

    private bool IsProvidedByHost(string simpleName, string ownPath)
    {
        if (!_hostAssemblies.TryGetValue(simpleName, out var hostCopy) || !File.Exists(hostCopy))
        {
            return false;
        }

        try
        {
            var runtimeVersion = AssemblyName.GetAssemblyName(hostCopy).Version;
            var ownVersion = AssemblyName.GetAssemblyName(ownPath).Version;
            return runtimeVersion is not null && ownVersion is not null && runtimeVersion >= ownVersion;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
