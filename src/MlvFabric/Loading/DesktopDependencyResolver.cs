using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;

namespace MlvFabric.Loading;

/// <summary>
/// Windows PowerShell 5.1 has no AssemblyLoadContext. This resolver loads the module's dependencies from
/// bin/Dependencies, but only when the request comes from one of the module's own assemblies, so it never
/// answers (or hijacks) another module's load. ModuleBootstrap (called by the psm1) registers it before the cmdlet
/// assembly is imported; ModuleCleanup unregisters it when the module is removed.
/// </summary>
public static class DesktopDependencyResolver
{
    private static readonly object Gate = new object();
    private static readonly Dictionary<string, string> Files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<Assembly> OwnAssemblies = new HashSet<Assembly>();

    // Imports not yet undone by a removal: each runspace that imports the module registers, each removal
    // unregisters, and the handler stays on the AppDomain while any runspace still has the module.
    private static int _registrations;

    /// <summary>True while the handler is on the AppDomain's AssemblyResolve event.</summary>
    internal static bool IsRegistered
    {
        get
        {
            lock (Gate)
            {
                return _registrations > 0;
            }
        }
    }

    /// <summary>Registers the resolver (hooked once per AppDomain; later calls only refresh the file index).</summary>
    public static void Register(string dependencyDirectory)
    {
        lock (Gate)
        {
            Files.Clear();
            foreach (var pair in IndexFiles(dependencyDirectory))
            {
                Files[pair.Key] = pair.Value;
            }

            OwnAssemblies.Add(typeof(DesktopDependencyResolver).Assembly);
            if (_registrations++ == 0)
            {
                AppDomain.CurrentDomain.AssemblyResolve += OnAssemblyResolve;
            }
        }
    }

    /// <summary>Undoes one <see cref="Register"/>; the last one takes the handler off the AppDomain. Never registered: nothing.</summary>
    public static void Unregister()
    {
        lock (Gate)
        {
            if (_registrations == 0)
            {
                return;
            }

            if (--_registrations == 0)
            {
                AppDomain.CurrentDomain.AssemblyResolve -= OnAssemblyResolve;
            }
        }
    }

    /// <summary>The module's dependency files by simple name (the file name without .dll), compared case-insensitively.</summary>
    internal static Dictionary<string, string> IndexFiles(string dependencyDirectory)
    {
        var files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.GetFiles(dependencyDirectory, "*.dll"))
        {
            files[Path.GetFileNameWithoutExtension(file)] = file;
        }

        return files;
    }

    /// <summary>
    /// The file that answers a request for <paramref name="requestedName"/> (a display name, as AssemblyResolve
    /// gives it) made by <paramref name="requester"/>, or null to leave the request to the runtime and other handlers.
    /// Answered only when the module ships a file of that simple name (<paramref name="files"/>, by simple name) and
    /// the requester is one of <paramref name="ownAssemblies"/>. A null requester (some framework-initiated loads,
    /// e.g. serialization) is never answered: only requests that provably come from the module are.
    /// The version, culture and public key token asked for are not compared: the module ships one version of each
    /// dependency (the highest its packages ask for, as NuGet resolved them), and a module gets no binding redirects
    /// on Windows PowerShell, so answering every version with that file does what an application's redirects would.
    /// </summary>
    internal static string? FileToLoad(string requestedName, Assembly? requester, ICollection<Assembly> ownAssemblies, IDictionary<string, string> files)
    {
        var name = new AssemblyName(requestedName).Name;
        if (name is null || !files.TryGetValue(name, out var path))
        {
            return null;
        }

        return requester is not null && ownAssemblies.Contains(requester) ? path : null;
    }

    private static Assembly? OnAssemblyResolve(object? sender, ResolveEventArgs args)
    {
        lock (Gate)
        {
            var path = FileToLoad(args.Name, args.RequestingAssembly, OwnAssemblies, Files);
            if (path is null)
            {
                return null;
            }

            // A dependency we loaded is one of ours: its own requests (Azure.Identity asking for MSAL) are answered too.
            var loaded = Assembly.LoadFrom(path);
            OwnAssemblies.Add(loaded);
            return loaded;
        }
    }
}
