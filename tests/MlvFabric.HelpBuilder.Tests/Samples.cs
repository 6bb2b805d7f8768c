using System;
using System.IO;

namespace MlvFabric.HelpBuilder.Tests;

/// <summary>Help files in platyPS 0.14 format, as New-MarkdownHelp writes them.</summary>
internal static class Samples
{
    public const string SetWidget = """
        ---
        external help file: Widgets.dll-Help.xml
        Module Name: Widgets
        online version: https://example.test/Set-Widget
        schema: 2.0.0
        ---

        # Set-Widget

        ## SYNOPSIS
        Changes a widget.

        ## SYNTAX

        ### ByName (Default)
        ```
        Set-Widget [-Name] <String[]> [-Size <Int32>] [-Force] [-WhatIf] [-Confirm] [<CommonParameters>]
        ```

        ### ById
        ```
        Set-Widget -Id <Guid> [-Size <Int32>] [-Force] [-WhatIf] [-Confirm] [<CommonParameters>]
        ```

        ## DESCRIPTION
        The **Set-Widget** cmdlet changes widgets
        that already exist.

        It never creates one:
        - by name, with wildcards
        - by id

        ```powershell
        Get-Widget | Set-Widget -Size 2
        ```

        ## EXAMPLES

        ### Example 1: Resize a widget
        ```powershell
        Set-Widget -Name 'Blue*' -Size 3
        ```

        ```output
        Name Size
        ---- ----
        Blue 3
        ```

        Resizes every widget whose name starts with Blue.
        See [the docs](https://example.test/docs) for more.

        ### Example 2: From the pipeline
        Widgets can come from Get-Widget.

        ```powershell
        Get-Widget -Id 5 |
            Set-Widget -Size 1
        ```

        ## PARAMETERS

        ### -Name
        Names of the widgets.
        Wildcards are allowed.

        ```yaml
        Type: String[]
        Parameter Sets: ByName
        Aliases: WidgetName, N

        Required: True
        Position: 0
        Default value: None
        Accept pipeline input: True (ByValue, ByPropertyName)
        Accept wildcard characters: True
        ```

        ### -Id
        The widget's id.

        ```yaml
        Type: Guid
        Parameter Sets: ById
        Aliases:

        Required: True
        Position: Named
        Default value: None
        Accept pipeline input: True (ByPropertyName)
        Accept wildcard characters: False
        ```

        ### -Size
        The new size.

        ```yaml
        Type: Int32
        Parameter Sets: ByName
        Aliases:

        Required: False
        Position: Named
        Default value: 1
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ```yaml
        Type: Int32
        Parameter Sets: ById
        Aliases:

        Required: True
        Position: Named
        Default value: 1
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### -Force
        Changes read-only widgets too.

        ```yaml
        Type: SwitchParameter
        Parameter Sets: (All)
        Aliases:

        Required: False
        Position: Named
        Default value: None
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### -Confirm
        Prompts you for confirmation before running the cmdlet.

        ```yaml
        Type: SwitchParameter
        Parameter Sets: (All)
        Aliases: cf

        Required: False
        Position: Named
        Default value: None
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### -WhatIf
        Shows what would happen if the cmdlet runs.

        ```yaml
        Type: SwitchParameter
        Parameter Sets: (All)
        Aliases: wi

        Required: False
        Position: Named
        Default value: None
        Accept pipeline input: False
        Accept wildcard characters: False
        ```

        ### CommonParameters
        This cmdlet supports the common parameters: -Debug, -ErrorAction, -ErrorVariable, -InformationAction, -InformationVariable, -OutVariable, -OutBuffer, -PipelineVariable, -Verbose, -WarningAction, and -WarningVariable. For more information, see [about_CommonParameters](http://go.microsoft.com/fwlink/?LinkID=113216).

        ## INPUTS

        ### System.String[]
        Widget names.

        ### System.Guid

        ## OUTPUTS

        ### Widgets.Widget
        The changed widget.

        ## NOTES
        Needs the Widgets service.

        ## RELATED LINKS

        [Get-Widget](Get-Widget.md)

        [Online docs](https://example.test/widgets)
        """;

    public const string AboutWidgets = """
        # about_Widgets

        ## about_Widgets

        # SHORT DESCRIPTION
        Widgets in short.

        # LONG DESCRIPTION
        Widgets are small things that this module manages for you, and this sentence is long enough that it must be wrapped at eighty columns.

        ## Sizes
        - small widgets fit everywhere, and this item is long enough to wrap onto a second line in the text
        - large ones don't

        ```powershell
        Get-Widget | Set-Widget -Size 2
        ```

        ### Details
        More.

        # SEE ALSO
        Set-Widget
        """;

    /// <summary>A fresh empty folder under the temp directory.</summary>
    public static string NewFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "mlvhelp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
