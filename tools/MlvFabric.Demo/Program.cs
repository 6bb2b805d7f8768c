using System;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Threading.Tasks;
using MlvFabric.Emulator;
using MlvFabric.Hosting;

// dotnet run --project tools/MlvFabric.Demo [-- --url http://127.0.0.1:5080]
// Starts the emulator, then runs the README quickstart in an in-process PowerShell whose host prints to this console.
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        string url = args.Length == 2 && args[0] == "--url" ? args[1] : "http://127.0.0.1:5080";
        string repoRoot = FindRepoRoot();
        string quickstart = Quickstart.Extract(File.ReadAllText(Path.Combine(repoRoot, "README.md")), url);
        string manifest = Directory.GetFiles(Path.Combine(repoRoot, "out", "MlvFabric"), "MlvFabric.psd1", SearchOption.AllDirectories)[0];

        await using EmulatorServer emulator = await EmulatorServer.StartAsync(new EmulatorOptions { Urls = url, ManagedIdentitySecret = "mlvfabric-emulator" });
        Console.WriteLine($"Emulator: {emulator.BaseUri}");
        Console.WriteLine("Running the README quickstart:");
        Console.WriteLine();

        var host = new TextHost(Console.Out, Math.Max(120, SafeConsoleWidth()), plainText: Console.IsOutputRedirected);
        using Runspace runspace = RunspaceFactory.CreateRunspace(host, InitialSessionState.CreateDefault2());
        runspace.Open();
        if (!Invoke(runspace, $"Import-Module '{manifest}'"))
        {
            return 1;
        }

        foreach (string statement in Quickstart.Statements(quickstart))
        {
            Console.WriteLine("PS> " + statement.Replace("\n", "\n>> "));
            if (!Invoke(runspace, statement))
            {
                Console.Error.WriteLine("The quickstart failed at: " + statement);
                return 1;
            }
        }

        Console.WriteLine();
        Console.WriteLine("Demo complete.");
        return 0;
    }

    // One statement, formatted like the console formats a prompt's output.
    private static bool Invoke(Runspace runspace, string script)
    {
        using PowerShell ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript("$ErrorActionPreference = 'Stop'\n" + script).AddCommand("Out-Default");
        try
        {
            ps.Invoke();
            return !ps.HadErrors;
        }
        catch (RuntimeException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return false;
        }
    }

    private static int SafeConsoleWidth()
    {
        try
        {
            return Console.IsOutputRedirected ? 160 : Console.WindowWidth;
        }
        catch (IOException)
        {
            return 160;
        }
    }

    private static string FindRepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "MlvFabric.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("Run the demo from the repository (MlvFabric.sln not found).");
    }
}
