using System.Linq;
using System.Management.Automation;
using System.Xml.Linq;
using Xunit;

namespace MlvFabric.Tests.Infrastructure;

/// <summary>Checks of a module format file against real output objects.</summary>
public static class FormatViewAssert
{
    /// <summary>
    /// Every column and list item of the views of <paramref name="typeName"/> in <paramref name="formatFile"/> is a
    /// property (no script block), its label is the property's own name, and <paramref name="sample"/> has it.
    /// </summary>
    public static void ColumnsAreRealProperties(string formatFile, string typeName, PSObject sample)
    {
        var xml = XDocument.Load(System.IO.Path.Combine(ModuleLocator.ModuleDirectory, formatFile));
        var views = xml.Descendants("View").Where(v => v.Element("ViewSelectedBy")?.Element("TypeName")?.Value == typeName).ToList();
        Assert.NotEmpty(views);
        Assert.Empty(views.SelectMany(v => v.Descendants("ScriptBlock")));
        foreach (var table in views.Select(v => v.Element("TableControl")).Where(t => t is not null)!)
        {
            var labels = table!.Descendants("TableColumnHeader").Select(h => h.Element("Label")!.Value).ToArray();
            var properties = table.Descendants("TableColumnItem").Select(i => i.Element("PropertyName")!.Value).ToArray();
            Assert.Equal(labels, properties);
        }

        foreach (var property in views.SelectMany(v => v.Descendants("PropertyName")).Select(p => p.Value))
        {
            Assert.True(sample.Properties[property] is not null, $"{typeName} has no property '{property}' that its view shows.");
        }
    }
}
