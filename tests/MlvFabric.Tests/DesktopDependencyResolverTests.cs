using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using MlvFabric.Loading;
using MlvFabric.Tests.Infrastructure;
using Xunit;

namespace MlvFabric.Tests;

/// <summary>
/// The Windows PowerShell 5.1 resolver's decision (answer an AssemblyResolve request or leave it), tested on its source
/// compiled into this assembly (the csproj links the file): PowerShell 7 never registers the resolver, so no
/// end-to-end test here reaches it. "Our" assembly is this one, the resolver's own, as MlvFabric.dll is in the module.
/// </summary>
public sealed class DesktopDependencyResolverTests
{
    private const string AzureCore = "Azure.Core, Version=1.47.1.0, Culture=neutral, PublicKeyToken=92742159e12e44c8";

    private static readonly Assembly Ours = typeof(DesktopDependencyResolver).Assembly;

    // Another module's assembly asking for a name we ship (Az.Accounts asking for its own Azure.Core).
    private static readonly Assembly Theirs = typeof(PSObject).Assembly;

    private static readonly string DependencyDirectory = Path.Combine(ModuleLocator.ModuleDirectory, "bin", "Dependencies");

    private static readonly Dictionary<string, string> Files = DesktopDependencyResolver.IndexFiles(DependencyDirectory);

    private static string? Decide(string requested, Assembly? requester) =>
        DesktopDependencyResolver.FileToLoad(requested, requester, new HashSet<Assembly> { Ours }, Files);

    [Fact]
    public void OurDependencyRequestedByOurAssemblyIsAnsweredWithTheShippedFile()
    {
        Assert.Equal(Path.Combine(DependencyDirectory, "Azure.Core.dll"), Decide(AzureCore, Ours));
    }

    [Fact]
    public void EveryShippedFileIsIndexedAndAnsweredByItsSimpleName()
    {
        var shipped = Directory.GetFiles(DependencyDirectory, "*.dll").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        Assert.Contains(Path.Combine(DependencyDirectory, "MlvFabric.Client.dll"), shipped);

        Assert.Equal(shipped, Files.Values.OrderBy(f => f, StringComparer.Ordinal));
        Assert.All(shipped, file => Assert.Equal(file, Decide(Path.GetFileNameWithoutExtension(file), Ours)));
    }

    [Fact]
    public void OurDependencyRequestedByAnotherModulesAssemblyIsNotAnswered()
    {
        Assert.Null(Decide(AzureCore, Theirs));
    }

    [Fact]
    public void ARequestWithoutARequestingAssemblyIsNotAnswered()
    {
        // Some framework-initiated loads (serialization) come without one: nothing proves they are ours.
        Assert.Null(Decide(AzureCore, null));
    }

    [Theory]
    [InlineData("Newtonsoft.Json, Version=13.0.0.0, Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed")]
    [InlineData("System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35")]
    [InlineData("Azure.Core.resources, Version=1.47.1.0, Culture=de, PublicKeyToken=92742159e12e44c8")]
    public void ANameWeDoNotShipIsNotAnsweredEvenForOurAssembly(string requested)
    {
        Assert.Null(Decide(requested, Ours));
    }

    [Theory]
    [InlineData("Azure.Core, Version=1.0.0.0, Culture=neutral, PublicKeyToken=92742159e12e44c8")]
    [InlineData("Azure.Core, Version=99.0.0.0, Culture=neutral, PublicKeyToken=92742159e12e44c8")]
    [InlineData("Azure.Core, Version=1.47.1.0, Culture=neutral, PublicKeyToken=null")]
    [InlineData("Azure.Core")]
    [InlineData("azure.core, Version=1.47.1.0")]
    public void AnyVersionOfAShippedNameIsAnsweredWithTheShippedFile(string requested)
    {
        // No binding redirects for a module on Windows PowerShell: the one shipped version stands in for every version asked.
        Assert.Equal(Path.Combine(DependencyDirectory, "Azure.Core.dll"), Decide(requested, Ours));
    }

    [Fact]
    public void AnAssemblyLoadedForUsCountsAsOursForItsOwnRequests()
    {
        // The handler adds what it loads (Azure.Identity) to our assemblies, so that assembly's requests (MSAL) are answered.
        var loadedForUs = typeof(Xunit.Assert).Assembly;
        var ours = new HashSet<Assembly> { Ours };
        Assert.Null(DesktopDependencyResolver.FileToLoad(AzureCore, loadedForUs, ours, Files));

        ours.Add(loadedForUs);

        Assert.NotNull(DesktopDependencyResolver.FileToLoad(AzureCore, loadedForUs, ours, Files));
    }

    [Fact]
    public void TheHandlerStaysWhileAnyImportRemainsAndGoesWithTheLastRemoval()
    {
        Assert.False(DesktopDependencyResolver.IsRegistered);
        try
        {
            DesktopDependencyResolver.Register(DependencyDirectory); // one runspace imports the module
            DesktopDependencyResolver.Register(DependencyDirectory); // another one does
            Assert.True(DesktopDependencyResolver.IsRegistered);

            DesktopDependencyResolver.Unregister(); // the first removes it: the second still needs the resolver
            Assert.True(DesktopDependencyResolver.IsRegistered);

            DesktopDependencyResolver.Unregister();
            Assert.False(DesktopDependencyResolver.IsRegistered);

            DesktopDependencyResolver.Unregister(); // a removal without an import (PowerShell 7 never registers): nothing
            Assert.False(DesktopDependencyResolver.IsRegistered);
        }
        finally
        {
            while (DesktopDependencyResolver.IsRegistered)
            {
                DesktopDependencyResolver.Unregister();
            }
        }
    }
}
