using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.Loader;
using System.Security;

// Plays a session where a neighbour module (think Az.Accounts) owns another Azure.Core: it loads that copy into
// the default context and hooks Default.Resolving process-wide to hand it out, as Az.Accounts does on PowerShell 7.
// MlvFabric is imported before or after it (args[0]); then a connect + request must work, and both copies must be
// loaded side by side. Prints one "ASSEMBLY name|version|context" line per relevant assembly and "RESULT ok|..." last.
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length != 4)
        {
            Console.Error.WriteLine("usage: MlvFabric.IsolationProbe before|after <MlvFabric.psd1> <emulator url> <Azure.Core.dll of the neighbour>  (token in MLV_PROBE_TOKEN)");
            return 2;
        }

        string order = args[0], manifest = args[1], endpoint = args[2], neighbourAzureCore = args[3];
        var token = Environment.GetEnvironmentVariable("MLV_PROBE_TOKEN") ?? throw new InvalidOperationException("MLV_PROBE_TOKEN is not set.");
        try
        {
            using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
            runspace.Open();
            if (order == "before")
            {
                LoadNeighbour(neighbourAzureCore);
            }

            Run(runspace, "Import-Module $args[0] -ErrorAction Stop", manifest);
            Run(runspace, "param($e, $t) $null = Connect-MlvFabric -Endpoint $e -AccessToken $t -ErrorAction Stop", endpoint, Secure(token));
            var first = Run(runspace, "Get-MlvWorkspace -ErrorAction Stop").Count;

            if (order == "after")
            {
                LoadNeighbour(neighbourAzureCore);
            }

            // A second sign-in and request after both copies are present exercises Azure.Core again.
            Run(runspace, "param($e, $t) $null = Connect-MlvFabric -Endpoint $e -AccessToken $t -ErrorAction Stop", endpoint, Secure(token));
            var second = Run(runspace, "Get-MlvWorkspace -ErrorAction Stop").Count;

            foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies()
                         .Where(a => a.GetName().Name is "Azure.Core" or "Azure.Identity" or "Microsoft.Identity.Client" or "MlvFabric.Client" or "MlvFabric")
                         .OrderBy(a => a.GetName().Name))
            {
                Console.WriteLine($"ASSEMBLY {assembly.GetName().Name}|{assembly.GetName().Version}|{AssemblyLoadContext.GetLoadContext(assembly)?.Name}");
            }

            Console.WriteLine($"RESULT ok workspaces={first},{second}");
            return 0;
        }
        catch (Exception ex)
        {
            Console.WriteLine("RESULT failed " + ex.GetType().Name + ": " + ex.Message.Replace(token, "***", StringComparison.Ordinal));
            return 1;
        }
    }

    private static void LoadNeighbour(string path)
    {
        var neighbour = AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
        AssemblyLoadContext.Default.Resolving += (_, name) => name.Name == "Azure.Core" ? neighbour : null;
    }

    private static List<PSObject> Run(Runspace runspace, string script, params object[] arguments)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(script);
        foreach (var argument in arguments)
        {
            ps.AddArgument(argument);
        }

        var output = ps.Invoke().ToList();
        if (ps.HadErrors)
        {
            throw new InvalidOperationException(string.Join("; ", ps.Streams.Error.Select(e => e.FullyQualifiedErrorId + ": " + e)));
        }

        return output;
    }

    private static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }
}
