using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;

namespace MlvFabric.Infrastructure
{
    /// <summary>
    /// Windows PowerShell 5.1 has no AssemblyLoadContext. This resolver loads the module's dependencies from
    /// bin/Dependencies, but only when the request comes from one of the module's own assemblies, so it never
    /// answers (or hijacks) another module's load. ModuleBootstrap (called by the psm1) registers it before the cmdlet
    /// assembly is imported.
    /// </summary>
    public static class DesktopDependencyResolver
    {
        private static readonly object s_gate = new object();
        private static readonly Dictionary<string, string> s_files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        private static readonly HashSet<Assembly> s_ownAssemblies = new HashSet<Assembly>();
        private static bool s_registered;

        /// <summary>Registers the resolver once per AppDomain; later calls only refresh the file index.</summary>
        public static void Register(string dependencyDirectory)
        {
            lock (s_gate)
            {
                s_files.Clear();
                foreach (string file in Directory.GetFiles(dependencyDirectory, "*.dll"))
                {
                    s_files[Path.GetFileNameWithoutExtension(file)] = file;
                }

                s_ownAssemblies.Add(typeof(DesktopDependencyResolver).Assembly);
                if (!s_registered)
                {
                    AppDomain.CurrentDomain.AssemblyResolve += OnAssemblyResolve;
                    s_registered = true;
                }
            }
        }

        private static Assembly? OnAssemblyResolve(object sender, ResolveEventArgs args)
        {
            string? name = new AssemblyName(args.Name).Name;
            lock (s_gate)
            {
                if (name is null || !s_files.TryGetValue(name, out string? path))
                {
                    return null;
                }

                // RequestingAssembly is null for some framework-initiated loads (e.g. serialization); only
                // requests that provably come from us are answered.
                if (args.RequestingAssembly is null || !s_ownAssemblies.Contains(args.RequestingAssembly))
                {
                    return null;
                }

                Assembly loaded = Assembly.LoadFrom(path);
                s_ownAssemblies.Add(loaded);
                return loaded;
            }
        }
    }
}
