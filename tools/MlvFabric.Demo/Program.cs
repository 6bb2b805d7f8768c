using System;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text.RegularExpressions;
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

        var host = new TextHost(Console.Out, Math.Max(120, SafeConsoleWidth()));
        using Runspace runspace = RunspaceFactory.CreateRunspace(host, InitialSessionState.CreateDefault2());
        runspace.Open();
        using PowerShell ps = PowerShell.Create();
        ps.Runspace = runspace;
        string rendering = Console.IsOutputRedirected ? "$PSStyle.OutputRendering = 'PlainText'\n" : string.Empty;
        ps.AddScript($"{rendering}$ErrorActionPreference = 'Stop'\nImport-Module '{manifest}'\n" + quickstart).AddCommand("Out-Default");
        try
        {
            ps.Invoke();
        }
        catch (RuntimeException ex)
        {
            Console.Error.WriteLine("The quickstart failed: " + ex.Message);
            return 1;
        }

        if (ps.HadErrors)
        {
            Console.Error.WriteLine("The quickstart reported errors.");
            return 1;
        }

        Console.WriteLine();
        Console.WriteLine("Demo complete.");
        return 0;
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

/// <summary>The README's quickstart block (between the quickstart markers), pointed at a given emulator URL.</summary>
public static class Quickstart
{
    public static string Extract(string readme, string emulatorUrl)
    {
        Match match = Regex.Match(readme, @"<!-- quickstart:begin -->\s*```powershell\s*(.*?)```\s*<!-- quickstart:end -->", RegexOptions.Singleline);
        if (!match.Success)
        {
            throw new InvalidOperationException("README.md has no quickstart block between <!-- quickstart:begin --> and <!-- quickstart:end -->.");
        }

        return Regex.Replace(match.Groups[1].Value, @"\$MlvEmulatorUrl\s*=\s*'[^']*'", $"$$MlvEmulatorUrl = '{emulatorUrl.TrimEnd('/')}'");
    }
}
