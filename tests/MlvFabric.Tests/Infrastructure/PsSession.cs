using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Threading.Tasks;
using MlvFabric.Emulator;
using Xunit;

namespace MlvFabric.Tests.Infrastructure;

/// <summary>
/// A fresh runspace with the built module imported from out/. Every run is scanned for the tokens this session
/// handed to the module: no token text may appear in any stream or error.
/// </summary>
public sealed class PsSession : IDisposable
{
    private readonly List<string> _secrets = new();

    private PsSession(Runspace runspace)
    {
        Runspace = runspace;
    }

    public Runspace Runspace { get; }

    /// <param name="importModule"></param>
    /// <param name="host">A host for Out-Default rendering (e.g. TextHost); none by default.</param>
    public static PsSession Create(bool importModule = true, PSHost? host = null)
    {
        var iss = InitialSessionState.CreateDefault2();
        var runspace = host is null ? RunspaceFactory.CreateRunspace(iss) : RunspaceFactory.CreateRunspace(host, iss);
        runspace.Open();
        var session = new PsSession(runspace);
        if (importModule)
        {
            session.Run($"Import-Module '{ModuleLocator.ManifestPath}' -ErrorAction Stop").ThrowIfFailed();
        }

        return session;
    }

    /// <summary>Creates a session connected to <paramref name="emulator"/> with a freshly minted user (or app) token.</summary>
    public static PsSession Connected(EmulatorServer emulator, string kind = "user")
    {
        var session = Create();
        session.Connect(emulator, kind);
        return session;
    }

    public void Connect(EmulatorServer emulator, string kind = "user")
    {
        var token = emulator.MintToken(kind);
        Run("Connect-MlvFabric -Endpoint $MlvTestEndpoint -AccessToken $MlvTestToken | Out-Null",
            new Dictionary<string, object?> { ["MlvTestEndpoint"] = emulator.BaseUri.ToString(), ["MlvTestToken"] = Secure(token) }).ThrowIfFailed();
    }

    /// <summary>Registers text that must never show up in any stream (the scan runs after every Run).</summary>
    public SecureString Secure(string secret)
    {
        _secrets.Add(secret);
        var secure = new SecureString();
        foreach (var c in secret)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }

    public void SetVariable(string name, object? value) => Runspace.SessionStateProxy.SetVariable(name, value);

    public PsResult Run(string script, IDictionary<string, object?>? variables = null)
    {
        using var ps = Prepare(script, variables);
        var result = new PsResult();
        try
        {
            result.Output.AddRange(ps.Invoke());
        }
        catch (RuntimeException ex)
        {
            result.Terminating = ex;
        }

        Collect(ps, result);
        return result;
    }

    /// <summary>Starts a script and hands back the running PowerShell (to Stop() it) and the eventual result.</summary>
    public (PowerShell PowerShell, Task<PsResult> Result) Start(string script, IDictionary<string, object?>? variables = null)
    {
        var ps = Prepare(script, variables);
        var result = new PsResult();
        var output = new PSDataCollection<PSObject>();
        output.DataAdded += (_, e) =>
        {
            lock (result.Output)
            {
                result.Output.Add(output[e.Index]);
            }
        };
        var task = Task.Factory.FromAsync(ps.BeginInvoke<PSObject, PSObject>(null, output), ar =>
        {
            try
            {
                ps.EndInvoke(ar);
            }
            catch (Exception ex) when (ex is RuntimeException || ex is PipelineStoppedException)
            {
                result.Terminating = ex;
            }

            Collect(ps, result);
            return result;
        });
        return (ps, task);
    }

    private PowerShell Prepare(string script, IDictionary<string, object?>? variables)
    {
        if (variables is not null)
        {
            foreach (var pair in variables)
            {
                SetVariable(pair.Key, pair.Value);
            }
        }

        var ps = PowerShell.Create();
        ps.Runspace = Runspace;
        ps.AddScript(script);
        return ps;
    }

    private void Collect(PowerShell ps, PsResult result)
    {
        result.Errors.AddRange(ps.Streams.Error);
        result.Warnings.AddRange(ps.Streams.Warning);
        result.Verbose.AddRange(ps.Streams.Verbose);
        result.Debug.AddRange(ps.Streams.Debug);
        result.Progress.AddRange(ps.Streams.Progress);
        result.Information.AddRange(ps.Streams.Information);

        var text = result.AllText();
        foreach (var secret in _secrets)
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), "A token handed to the module appeared in a PowerShell stream or error.");
            // Also the token's signature-less body: a JWT's payload segment alone identifies it.
            var parts = secret.Split('.');
            if (parts.Length >= 2 && parts[1].Length > 16)
            {
                Assert.False(text.Contains(parts[1], StringComparison.Ordinal), "A token's payload appeared in a PowerShell stream or error.");
            }
        }
    }

    public void Dispose() => Runspace.Dispose();
}
