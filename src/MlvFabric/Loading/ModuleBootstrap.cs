using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace MlvFabric.Loading;

/// <summary>
/// What MlvFabric.psm1 runs before it imports this assembly as a binary module: sets up dependency isolation so
/// that PowerShell's scan of the cmdlet assembly (which resolves MlvFabric.Client) and every later load find the
/// module's own copies.
///   PowerShell 7: loads MlvFabric.Loader.dll (unless a copy is already loaded) and calls
///                 <c>ModuleLoadContext.Initialize(bin/Dependencies)</c>: the private AssemblyLoadContext.
///   Windows PowerShell 5.1: registers <see cref="DesktopDependencyResolver"/>.
/// The psm1 creates an instance with <c>[System.Activator]::CreateInstanceFrom(bin/MlvFabric.dll, name)</c>: the
/// constructor does the work. The decisions live here rather than in the psm1 because, in a fresh process, the
/// import pays for the JIT compilation of every PowerShell language feature the psm1 uses for the first time
/// (comparisons, property reads, <c>-as [type]</c>, version conversions...), and a type literal naming a type of
/// this assembly would make PowerShell search every loaded assembly for it.
/// This type must not touch MlvFabric.Client: the client cannot be resolved before it has run.
/// </summary>
public sealed class ModuleBootstrap
{
    private const string LoaderAssemblyName = "MlvFabric.Loader";
    private const string LoaderTypeName = "MlvFabric.Loader.ModuleLoadContext";

    /// <summary>The oldest PowerShell 7 the module supports (net8.0, the loader's runtime).</summary>
    internal static readonly Version MinimumCoreVersion = new Version(7, 4);

    /// <summary>Sets up isolation for the module this assembly belongs to (its folder is the module's bin folder).</summary>
    public ModuleBootstrap()
    {
        var location = typeof(ModuleBootstrap).Assembly.Location;
        if (string.IsNullOrEmpty(location))
        {
            throw new InvalidOperationException("MlvFabric.dll must be loaded from the module's bin folder (it has no file location).");
        }

        Initialize(Path.GetDirectoryName(location)!);
    }

    /// <summary>Sets up isolation for the module whose bin folder is <paramref name="binDirectory"/>. Idempotent.</summary>
    public static void Initialize(string binDirectory)
    {
        if (string.IsNullOrEmpty(binDirectory))
        {
            throw new ArgumentException("The module's bin folder is required.", nameof(binDirectory));
        }

        var dependencyDirectory = Path.Combine(binDirectory, "Dependencies");
        if (!IsCoreClr)
        {
            DesktopDependencyResolver.Register(dependencyDirectory);
            return;
        }

        var powerShell = PowerShellVersion();
        if (powerShell != null && powerShell < MinimumCoreVersion)
        {
            throw new PSNotSupportedException(
                $"MlvFabric requires PowerShell 7.4 or later on PowerShell Core (found {powerShell}), or Windows PowerShell 5.1. Update PowerShell: https://aka.ms/powershell");
        }

        var initialize = LoaderType(binDirectory).GetMethod("Initialize", BindingFlags.Public | BindingFlags.Static, null, new[] { typeof(string) }, null)
            ?? throw new MissingMethodException(LoaderTypeName, "Initialize");
        try
        {
            initialize.Invoke(null, new object[] { dependencyDirectory });
        }
        catch (TargetInvocationException ex) when (ex.InnerException != null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }

    /// <summary>True on .NET (PowerShell 7), false on .NET Framework (Windows PowerShell 5.1).</summary>
    internal static bool IsCoreClr => typeof(object).Assembly.GetName().Name == "System.Private.CoreLib";

    // The loader type: from a copy already in the process (an earlier import, possibly of another copy of the
    // module: the load context is once per process), else from this module's bin folder.
    private static Type LoaderType(string binDirectory)
    {
        foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (string.Equals(assembly.GetName().Name, LoaderAssemblyName, StringComparison.OrdinalIgnoreCase)
                && assembly.GetType(LoaderTypeName, throwOnError: false) is Type loaded)
            {
                return loaded;
            }
        }

        return Assembly.LoadFrom(Path.Combine(binDirectory, LoaderAssemblyName + ".dll")).GetType(LoaderTypeName, throwOnError: true)!;
    }

    // The running PowerShell's version ($PSVersionTable.PSVersion): PSVersionInfo.PSVersion where it is public
    // (PowerShell 7), else the engine assembly's version (major.minor match the release).
    private static Version? PowerShellVersion()
    {
        var engine = typeof(PSObject).Assembly;
        try
        {
            if (engine.GetType("System.Management.Automation.PSVersionInfo", throwOnError: false)
                    ?.GetProperty("PSVersion", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is Version version)
            {
                return version;
            }
        }
        catch (Exception ex) when (ex is TargetInvocationException || ex is MemberAccessException)
        {
        }

        return engine.GetName().Version;
    }
}
