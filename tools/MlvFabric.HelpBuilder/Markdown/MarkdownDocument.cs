using System;
using System.Collections.Generic;
using System.Linq;
using Markdig;
using Markdig.Parsers;
using Markdig.Syntax;

namespace MlvFabric.HelpBuilder.Markdown;

public enum BlockKind
{
    Heading,
    Paragraph,
    Code,
}

/// <summary>One block-level element of a Markdown file, with the 1-based line it starts on.</summary>
public sealed class Block
{
    public BlockKind Kind { get; init; }

    public int Line { get; init; }

    /// <summary>Heading level (1-6); 0 for other blocks.</summary>
    public int Level { get; init; }

    /// <summary>Heading text as written.</summary>
    public string Text { get; init; } = "";

    /// <summary>Paragraph lines as written, or code lines (fence indentation removed, right-trimmed).</summary>
    public IReadOnlyList<string> Lines { get; init; } = Array.Empty<string>();

    /// <summary>A paragraph's logical lines, inline markup reduced to plain text (see <see cref="TextFormatter"/>).</summary>
    public IReadOnlyList<string> TextLines { get; init; } = Array.Empty<string>();

    /// <summary>Code fence info string's first word, lower case ("powershell", "yaml", "" when absent).</summary>
    public string Language { get; init; } = "";

    public override string ToString() => Kind == BlockKind.Heading ? new string('#', Level) + " " + Text : Kind + "@" + Line;
}

/// <summary>
/// The subset of Markdown that platyPS 0.14 help files use, read by Markdig: YAML front matter, ATX headings, fenced
/// code blocks and paragraphs. Markdig's parsers for lists, block quotes, indented code and rules are left out, so
/// those lines stay paragraph text, which <see cref="TextFormatter"/> lays out line by line. HTML comments between
/// blocks are dropped. Anything ambiguous (setext headings, unclosed fences, unclosed comments) is an error with its line.
/// </summary>
public sealed class MarkdownDocument
{
    private static readonly MarkdownPipeline Pipeline = CreatePipeline();

    private readonly Dictionary<string, FrontMatterEntry> _frontMatter = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Block> _blocks = new();

    /// <summary>The file's lines, front matter blanked out (Markdig reads them joined by '\n', so line numbers stay).</summary>
    private readonly string[] _lines;

    private MarkdownDocument(string path, string[] lines)
    {
        Path = path;
        _lines = lines;
    }

    public string Path { get; }

    /// <summary>Front matter keys (case-insensitive) to values and lines; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, FrontMatterEntry> FrontMatter => _frontMatter;

    public IReadOnlyList<Block> Blocks => _blocks;

    public string? FrontMatterValue(string key) =>
        FrontMatter.TryGetValue(key, out var entry) && entry.Value.Length > 0 ? entry.Value : null;

    public static MarkdownDocument Parse(string path, string text)
    {
        var doc = new MarkdownDocument(path, text.TrimStart('\uFEFF').Replace("\r\n", "\n").Replace('\r', '\n').Split('\n'));
        doc.ReadFrontMatter();
        var source = string.Join("\n", doc._lines);
        foreach (var block in Markdig.Markdown.Parse(source, Pipeline))
        {
            doc.Read(block, source);
        }

        return doc;
    }

    private static MarkdownPipeline CreatePipeline()
    {
        var builder = new MarkdownPipelineBuilder().UsePreciseSourceLocation();
        builder.BlockParsers.TryRemove<ListBlockParser>();
        builder.BlockParsers.TryRemove<QuoteBlockParser>();
        builder.BlockParsers.TryRemove<IndentedCodeBlockParser>();
        builder.BlockParsers.TryRemove<ThematicBreakParser>();
        return builder.Build();
    }

    private void Read(Markdig.Syntax.Block block, string source)
    {
        var line = block.Line + 1;
        var last = line + source.AsSpan(block.Span.Start, block.Span.Length).Count('\n');
        switch (block)
        {
            case HeadingBlock { IsSetext: true }:
                // Markdig places a setext heading on its underline.
                throw new HelpBuildException(Path, line,
                    $"'{_lines[line - 1].Trim()}' under a line of text makes a setext heading (or a stray rule): use '#' headings, or leave a blank line before it.");
            case HeadingBlock heading:
                var headingText = source.Substring(heading.Span.Start, heading.Span.Length).TrimStart().TrimStart('#').Trim();
                if (headingText.Length == 0)
                {
                    throw new HelpBuildException(Path, line, "heading has no text.");
                }

                _blocks.Add(new Block { Kind = BlockKind.Heading, Line = line, Level = heading.Level, Text = headingText });
                break;
            case FencedCodeBlock fence:
                if (fence.ClosingFencedCharCount == 0)
                {
                    throw new HelpBuildException(Path, line, $"code block opened with {new string(fence.FencedChar, fence.OpeningFencedCharCount)} is never closed.");
                }

                var code = Enumerable.Range(0, fence.Lines.Count).Select(k => fence.Lines.Lines[k].Slice.ToString().TrimEnd()).ToArray();
                _blocks.Add(new Block { Kind = BlockKind.Code, Line = line, Lines = code, Language = (fence.Info ?? "").Split('{')[0].ToLowerInvariant() });
                break;
            case HtmlBlock { Type: HtmlBlockType.Comment }:
                var close = _lines[last - 1].IndexOf("-->", StringComparison.Ordinal);
                if (close < 0)
                {
                    throw new HelpBuildException(Path, line, "HTML comment '<!--' is never closed with '-->'.");
                }

                if (_lines[last - 1].Substring(close + 3).Trim().Length > 0)
                {
                    throw new HelpBuildException(Path, last, "text after '-->' on the same line: put it on a line of its own.");
                }

                break;
            case LinkReferenceDefinitionGroup:
                // '[name]: uri' lines print nothing; the '[text][name]' links that use them show the uri.
                break;
            default:
                // A paragraph; HTML that is not a comment reads as the text it is written as.
                var lines = _lines.Skip(line - 1).Take(last - line + 1).ToArray();
                var text = block is ParagraphBlock { Inline: { } inlines } ? TextFormatter.Lines(inlines, source, _lines, block.Line) : lines.Select(l => l.Trim()).ToList();
                _blocks.Add(new Block { Kind = BlockKind.Paragraph, Line = line, Lines = lines, TextLines = text });
                break;
        }
    }

    private void ReadFrontMatter()
    {
        if (_lines[0].TrimEnd() != "---")
        {
            return;
        }

        for (var i = 1; i < _lines.Length; i++)
        {
            var line = _lines[i].TrimEnd();
            if (line == "---")
            {
                Array.Fill(_lines, "", 0, i + 1);
                return;
            }

            if (line.Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                throw new HelpBuildException(Path, i + 1, $"front matter line '{line}' is not 'key: value'.");
            }

            var key = line.Substring(0, colon).Trim();
            var value = line.Substring(colon + 1).Trim();
            if (value.Length >= 2 && (value[0] == '\'' || value[0] == '"') && value[^1] == value[0])
            {
                value = value.Substring(1, value.Length - 2);
            }

            if (!_frontMatter.TryAdd(key, new FrontMatterEntry(key, value, i + 1)))
            {
                throw new HelpBuildException(Path, i + 1, $"front matter key '{key}' appears twice.");
            }
        }

        throw new HelpBuildException(Path, 1, "front matter opened with '---' on line 1 is never closed with a '---' line.");
    }
}

public sealed record FrontMatterEntry(string Key, string Value, int Line);
