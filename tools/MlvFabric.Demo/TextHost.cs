using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace MlvFabric.Hosting;

/// <summary>
/// A minimal non-interactive PowerShell host that writes everything (formatted output, warnings, progress) to a
/// TextWriter. Out-Default renders through it, so the module's format views show as a console would show them.
/// Shared by the demo program and the format-view tests.
/// </summary>
public sealed class TextHost : PSHost
{
    private readonly TextHostUserInterface _ui;

    /// <param name="writer"></param>

    /// <param name="width"></param>    /// <param name="plainText">Strip ANSI colour sequences (for files, logs and assertions).</param>
    public TextHost(TextWriter writer, int width = 160, bool plainText = false)
    {
        _ui = new TextHostUserInterface(plainText ? new PlainTextWriter(writer) : writer, width);
    }

    public override string Name => "MlvFabric.TextHost";

    public override Version Version => new Version(1, 0);

    public override Guid InstanceId { get; } = Guid.NewGuid();

    public override PSHostUserInterface UI => _ui;

    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;

    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;

    public override void SetShouldExit(int exitCode)
    {
    }

    public override void EnterNestedPrompt() => throw new NotSupportedException();

    public override void ExitNestedPrompt() => throw new NotSupportedException();

    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }

    /// <summary>Drops the VT colour sequences that PowerShell's formatter emits around headers and labels.</summary>
    private sealed class PlainTextWriter : TextWriter
    {
        private static readonly System.Text.RegularExpressions.Regex Ansi = new(@"\x1b\[[0-9;?]*[A-Za-z]");
        private readonly TextWriter _inner;

        public PlainTextWriter(TextWriter inner) => _inner = inner;

        public override System.Text.Encoding Encoding => _inner.Encoding;

        public override void Write(char value) => _inner.Write(value);

        public override void Write(string? value) => _inner.Write(value is null ? null : Ansi.Replace(value, string.Empty));

        public override void WriteLine(string? value) => _inner.WriteLine(value is null ? null : Ansi.Replace(value, string.Empty));
    }

    private sealed class TextHostUserInterface : PSHostUserInterface
    {
        private readonly TextWriter _writer;
        private readonly TextHostRawUserInterface _raw;
        private readonly Dictionary<int, string> _lastProgress = new();

        public TextHostUserInterface(TextWriter writer, int width)
        {
            _writer = writer;
            _raw = new TextHostRawUserInterface(width);
        }

        public override PSHostRawUserInterface RawUI => _raw;

        public override string ReadLine() => throw new NotSupportedException("This host is non-interactive.");

        public override SecureString ReadLineAsSecureString() => throw new NotSupportedException("This host is non-interactive.");

        public override void Write(string value) => _writer.Write(value);

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => _writer.Write(value);

        public override void WriteLine(string value) => _writer.WriteLine(value);

        public override void WriteErrorLine(string value) => _writer.WriteLine("ERROR: " + value);

        public override void WriteDebugLine(string message) => _writer.WriteLine("DEBUG: " + message);

        public override void WriteVerboseLine(string message) => _writer.WriteLine("VERBOSE: " + message);

        public override void WriteWarningLine(string message) => _writer.WriteLine("WARNING: " + message);

        public override void WriteInformation(InformationRecord record) => _writer.WriteLine(record.MessageData?.ToString());

        // One line per change of a progress record's text, indented under its parent; completed records are dropped.
        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
            lock (_lastProgress)
            {
                if (record.RecordType == ProgressRecordType.Completed)
                {
                    _lastProgress.Remove(record.ActivityId);
                    return;
                }

                var percent = record.PercentComplete >= 0 ? $" [{record.PercentComplete,3}%]" : string.Empty;
                var line = $"{(record.ParentActivityId >= 0 ? "    " : string.Empty)}{record.Activity}:{percent} {record.StatusDescription} {record.CurrentOperation}".TrimEnd();
                // One line per update, as a console's progress bar is: cut to the host's width (less the indent).
                var room = _raw.BufferSize.Width - 3;
                if (room > 0 && line.Length > room)
                {
                    line = line.Substring(0, room - 1) + "\u2026";
                }

                if (!_lastProgress.TryGetValue(record.ActivityId, out var last) || last != line)
                {
                    _lastProgress[record.ActivityId] = line;
                    _writer.WriteLine("  " + line);
                }
            }
        }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
            throw new NotSupportedException("This host is non-interactive.");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new NotSupportedException("This host is non-interactive.");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new NotSupportedException("This host is non-interactive.");

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) =>
            throw new NotSupportedException("This host is non-interactive.");
    }

    private sealed class TextHostRawUserInterface : PSHostRawUserInterface
    {
        private readonly int _width;

        public TextHostRawUserInterface(int width) => _width = width;

        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;

        public override Size BufferSize { get => new Size(_width, 9999); set { } }

        public override Coordinates CursorPosition { get; set; }

        public override int CursorSize { get; set; }

        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;

        public override bool KeyAvailable => false;

        public override Size MaxPhysicalWindowSize => new Size(_width, 100);

        public override Size MaxWindowSize => new Size(_width, 100);

        public override Coordinates WindowPosition { get; set; }

        public override Size WindowSize { get => new Size(_width, 100); set { } }

        public override string WindowTitle { get; set; } = "MlvFabric";

        public override void FlushInputBuffer()
        {
        }

        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();

        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException("This host is non-interactive.");

        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) => throw new NotSupportedException();

        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) => throw new NotSupportedException();

        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) => throw new NotSupportedException();
    }
}
