using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

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

    /// <summary>Heading text.</summary>
    public string Text { get; init; } = "";

    /// <summary>Paragraph lines (as written: trailing spaces kept for hard breaks) or code lines (fence indentation removed, right-trimmed).</summary>
    public IReadOnlyList<string> Lines { get; init; } = Array.Empty<string>();

    /// <summary>Code fence info string's first word, lower case ("powershell", "yaml", "" when absent).</summary>
    public string Language { get; init; } = "";

    public override string ToString() => Kind == BlockKind.Heading ? new string('#', Level) + " " + Text : Kind + "@" + Line;
}

/// <summary>
/// The subset of Markdown that platyPS 0.14 help files use: YAML front matter, ATX headings, fenced code blocks and
/// paragraphs (lists and other inline text are paragraph lines). HTML comments between blocks are dropped.
/// Anything ambiguous (setext headings, unclosed fences, unclosed comments) is an error with its line.
/// </summary>
public sealed class MarkdownDocument
{
    private static readonly Regex FenceOpen = new(@"^(?<indent> {0,3})(?<fence>`{3,}|~{3,})[ \t]*(?<info>[^`]*?)[ \t]*$", RegexOptions.CultureInvariant);
    private static readonly Regex HeadingValue = new(@"^ {0,3}(?<hashes>#{1,6})(?:[ \t]+(?<text>.*?))?(?:[ \t]+#+)?[ \t]*$", RegexOptions.CultureInvariant);
    private static readonly Regex SetextUnderline = new(@"^ {0,3}(=+|-+)[ \t]*$", RegexOptions.CultureInvariant);

    private MarkdownDocument(string path, IReadOnlyDictionary<string, FrontMatterEntry> frontMatter, IReadOnlyList<Block> blocks)
    {
        Path = path;
        FrontMatter = frontMatter;
        Blocks = blocks;
    }

    public string Path { get; }

    /// <summary>Front matter keys (case-insensitive) to values and lines; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, FrontMatterEntry> FrontMatter { get; }

    public IReadOnlyList<Block> Blocks { get; }

    public string? FrontMatterValue(string key) =>
        FrontMatter.TryGetValue(key, out var entry) && entry.Value.Length > 0 ? entry.Value : null;

    public static MarkdownDocument Parse(string path, string text)
    {
        var lines = SplitLines(text);
        var frontMatter = new Dictionary<string, FrontMatterEntry>(StringComparer.OrdinalIgnoreCase);
        var blocks = new List<Block>();
        var i = 0;

        if (lines.Length > 0 && lines[0].TrimEnd() == "---")
        {
            i = 1;
            var closed = false;
            for (; i < lines.Length; i++)
            {
                var line = lines[i].TrimEnd();
                if (line == "---")
                {
                    closed = true;
                    i++;
                    break;
                }

                if (line.Length == 0 || line.TrimStart().StartsWith('#'))
                {
                    continue;
                }

                var colon = line.IndexOf(':');
                if (colon <= 0)
                {
                    throw new HelpBuildException(path, i + 1, $"front matter line '{line}' is not 'key: value'.");
                }

                var key = line.Substring(0, colon).Trim();
                var value = Unquote(line.Substring(colon + 1).Trim());
                if (frontMatter.ContainsKey(key))
                {
                    throw new HelpBuildException(path, i + 1, $"front matter key '{key}' appears twice.");
                }

                frontMatter[key] = new FrontMatterEntry(key, value, i + 1);
            }

            if (!closed)
            {
                throw new HelpBuildException(path, 1, "front matter opened with '---' on line 1 is never closed with a '---' line.");
            }
        }

        var paragraph = new List<string>();
        var paragraphLine = 0;

        void FlushParagraph()
        {
            if (paragraph.Count > 0)
            {
                blocks.Add(new Block { Kind = BlockKind.Paragraph, Line = paragraphLine, Lines = paragraph.ToArray() });
                paragraph.Clear();
            }
        }

        for (; i < lines.Length; i++)
        {
            var line = lines[i];
            var lineNumber = i + 1;

            if (string.IsNullOrWhiteSpace(line))
            {
                FlushParagraph();
                continue;
            }

            var fence = FenceOpen.Match(line);
            if (fence.Success)
            {
                FlushParagraph();
                var fenceChar = fence.Groups["fence"].Value[0];
                var fenceLength = fence.Groups["fence"].Value.Length;
                var indent = fence.Groups["indent"].Value.Length;
                var info = fence.Groups["info"].Value.Trim();
                var language = info.Split(new[] { ' ', '\t', '{' }, StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } words ? words[0].ToLowerInvariant() : "";
                var code = new List<string>();
                var j = i + 1;
                var closed = false;
                for (; j < lines.Length; j++)
                {
                    var candidate = lines[j];
                    var trimmed = candidate.TrimStart(' ');
                    if (candidate.Length - trimmed.Length <= 3 && trimmed.Length >= fenceLength && trimmed.TrimEnd().Length == CountLeading(trimmed, fenceChar) && CountLeading(trimmed, fenceChar) >= fenceLength)
                    {
                        closed = true;
                        break;
                    }

                    code.Add(RemoveIndent(candidate, indent).TrimEnd());
                }

                if (!closed)
                {
                    throw new HelpBuildException(path, lineNumber, $"code block opened with {fence.Groups["fence"].Value} is never closed.");
                }

                blocks.Add(new Block { Kind = BlockKind.Code, Line = lineNumber, Lines = code.ToArray(), Language = language });
                i = j;
                continue;
            }

            var heading = HeadingValue.Match(line);
            if (heading.Success)
            {
                FlushParagraph();
                var headingText = heading.Groups["text"].Value.Trim();
                if (headingText.Length == 0)
                {
                    throw new HelpBuildException(path, lineNumber, "heading has no text.");
                }

                blocks.Add(new Block { Kind = BlockKind.Heading, Line = lineNumber, Level = heading.Groups["hashes"].Value.Length, Text = headingText });
                continue;
            }

            if (line.TrimStart().StartsWith("<!--", StringComparison.Ordinal) && paragraph.Count == 0)
            {
                var j = i;
                while (j < lines.Length && !lines[j].Contains("-->", StringComparison.Ordinal))
                {
                    j++;
                }

                if (j == lines.Length)
                {
                    throw new HelpBuildException(path, lineNumber, "HTML comment '<!--' is never closed with '-->'.");
                }

                if (lines[j].Substring(lines[j].IndexOf("-->", StringComparison.Ordinal) + 3).Trim().Length > 0)
                {
                    throw new HelpBuildException(path, j + 1, "text after '-->' on the same line: put it on a line of its own.");
                }

                i = j;
                continue;
            }

            if (paragraph.Count > 0 && SetextUnderline.IsMatch(line))
            {
                throw new HelpBuildException(path, lineNumber,
                    $"'{line.Trim()}' under a line of text makes a setext heading (or a stray rule): use '#' headings, or leave a blank line before it.");
            }

            if (paragraph.Count == 0)
            {
                paragraphLine = lineNumber;
            }

            paragraph.Add(line.TrimEnd('\r').Replace("\t", "    "));
        }

        FlushParagraph();
        return new MarkdownDocument(path, frontMatter, blocks);
    }

    private static string[] SplitLines(string text)
    {
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text.Substring(1);
        }

        return text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
    }

    private static int CountLeading(string s, char c)
    {
        var n = 0;
        while (n < s.Length && s[n] == c)
        {
            n++;
        }

        return n;
    }

    private static string RemoveIndent(string line, int indent)
    {
        var n = 0;
        while (n < indent && n < line.Length && line[n] == ' ')
        {
            n++;
        }

        return line.Substring(n);
    }

    private static string Unquote(string value)
    {
        if (value.Length >= 2 && ((value[0] == '\'' && value[^1] == '\'') || (value[0] == '"' && value[^1] == '"')))
        {
            return value.Substring(1, value.Length - 2);
        }

        return value;
    }
}

public sealed record FrontMatterEntry(string Key, string Value, int Line);
