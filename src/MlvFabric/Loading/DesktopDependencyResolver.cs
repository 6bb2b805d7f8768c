using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;

namespace MlvFabric.Loading;

/// <summary>
/// Windows PowerShell 5.1 has no AssemblyLoadContext. This resolver loads the module's dependencies from
/// bin/Dependencies, but only when the request comes from one of the module's own assemblies, so it never
/// answers (or hijacks) another module's load. ModuleBootstrap (called by the psm1) registers it before the cmdlet
/// assembly is imported.
/// </summary>
public static class DesktopDependencyResolver
{
    private static readonly object Gate = new object();
    private static readonly Dictionary<string, string> Files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<Assembly> OwnAssemblies = new HashSet<Assembly>();
    private static bool _registered;

    /// <summary>Registers the resolver once per AppDomain; later calls only refresh the file index.</summary>
    public static void Register(string dependencyDirectory)
    {
        lock (Gate)
        {
            Files.Clear();
            foreach (var file in Directory.GetFiles(dependencyDirectory, "*.dll"))
            {
                Files[Path.GetFileNameWithoutExtension(file)] = file;
            }

            OwnAssemblies.Add(typeof(DesktopDependencyResolver).Assembly);
            if (!_registered)
            {
                AppDomain.CurrentDomain.AssemblyResolve += OnAssemblyResolve;
                _registered = true;
            }
        }
    }

    private static Assembly? OnAssemblyResolve(object sender, ResolveEventArgs args)
    {
        var name = new AssemblyName(args.Name).Name;
        lock (Gate)
        {
            if (name is null || !Files.TryGetValue(name, out var path))
            {
                return null;
            }

            // RequestingAssembly is null for some framework-initiated loads (e.g. serialization); only
            // requests that provably come from us are answered.
            if (args.RequestingAssembly is null || !OwnAssemblies.Contains(args.RequestingAssembly))
            {
                return null;
            }

            var loaded = Assembly.LoadFrom(path);
            OwnAssemblies.Add(loaded);
            return loaded;
        }
    }
}
