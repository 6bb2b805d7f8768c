using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace MlvFabric.HelpBuilder.Markdown;

/// <summary>
/// Turns Markdown text blocks into the plain text that MAML paragraphs and about topics hold: soft-wrapped
/// lines are joined, list items and table rows keep a line each, hard breaks start a new line, and code keeps
/// its layout (indented four spaces). Inline markup is reduced to
/// what reads well in a console: links become "text (uri)" (relative links: the text), bold markers and
/// backslash escapes are dropped, `code` keeps its backticks.
/// </summary>
public static class TextFormatter
{
    private static readonly Regex ListItem = new(@"^\s*(?:[-*+]|\d{1,9}[.)])\s+\S", RegexOptions.CultureInvariant);
    private static readonly Regex Link = new(@"\G\[(?<text>(?:[^\[\]\\]|\\.)+)\]\((?<uri>[^()\s]*)(?:\s+""[^""]*"")?\)", RegexOptions.CultureInvariant);
    private static readonly Regex Autolink = new(@"\G<(?<uri>https?://[^>\s]+)>", RegexOptions.CultureInvariant);

    /// <summary>
    /// MAML paragraphs for a run of paragraph and code blocks (headings are not text). Get-Help prints each
    /// paragraph followed by a blank line and keeps the line breaks inside one, so a Markdown paragraph becomes
    /// one paragraph (its list items, table rows and hard breaks on lines of their own) and a code block one
    /// paragraph of lines indented four spaces.
    /// </summary>
    public static List<string> ToParagraphs(IEnumerable<Block> blocks)
    {
        var result = new List<string>();
        foreach (var block in blocks)
        {
            switch (block.Kind)
            {
                case BlockKind.Paragraph:
                    result.Add(string.Join("\n", ParagraphLines(block.Lines)));
                    break;
                case BlockKind.Code:
                    result.Add(string.Join("\n", block.Lines.Select(line => line.Length == 0 ? "" : "    " + line)));
                    break;
                default:
                    throw new ArgumentException("Headings are not text.", nameof(blocks));
            }
        }

        return result;
    }

    /// <summary>The logical lines of one paragraph, inline markup reduced.</summary>
    public static List<string> ParagraphLines(IReadOnlyList<string> lines)
    {
        var logical = new List<StringBuilder>();
        var breakAfterPrevious = true;
        foreach (var raw in lines)
        {
            var hardBreak = raw.EndsWith("  ", StringComparison.Ordinal) || (raw.EndsWith('\\') && !raw.EndsWith("\\\\", StringComparison.Ordinal));
            var line = raw.TrimEnd();
            if (line.EndsWith('\\') && hardBreak)
            {
                line = line.Substring(0, line.Length - 1).TrimEnd();
            }

            var startsItem = ListItem.IsMatch(line) || line.TrimStart().StartsWith('|');
            if (breakAfterPrevious || startsItem || logical.Count == 0)
            {
                // List items keep their indentation (nesting); other lines start at the margin.
                logical.Add(new StringBuilder(startsItem ? line : line.TrimStart()));
            }
            else
            {
                logical[^1].Append(' ').Append(line.Trim());
            }

            breakAfterPrevious = hardBreak || line.TrimStart().StartsWith('|');
        }

        var result = new List<string>(logical.Count);
        foreach (var sb in logical)
        {
            result.Add(Inline(sb.ToString()));
        }

        return result;
    }

    /// <summary>Reduces inline Markdown to plain text.</summary>
    public static string Inline(string text)
    {
        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '`')
            {
                var run = CountRun(text, i, '`');
                var close = FindClosingBackticks(text, i + run, run);
                if (close >= 0)
                {
                    sb.Append(text, i, close + run - i);
                    i = close + run;
                }
                else
                {
                    sb.Append('`', run);
                    i += run;
                }

                continue;
            }

            if (c == '\\' && i + 1 < text.Length && char.IsAsciiLetterOrDigit(text[i + 1]) == false && text[i + 1] < 128 && !char.IsWhiteSpace(text[i + 1]))
            {
                sb.Append(text[i + 1]);
                i += 2;
                continue;
            }

            if (c == '[')
            {
                var link = Link.Match(text, i);
                if (link.Success)
                {
                    var linkText = Inline(link.Groups["text"].Value);
                    var uri = link.Groups["uri"].Value;
                    sb.Append(linkText);
                    if (IsAbsoluteWebUri(uri) && !string.Equals(linkText, uri, StringComparison.Ordinal))
                    {
                        sb.Append(" (").Append(uri).Append(')');
                    }

                    i += link.Length;
                    continue;
                }
            }

            if (c == '<')
            {
                var autolink = Autolink.Match(text, i);
                if (autolink.Success)
                {
                    sb.Append(autolink.Groups["uri"].Value);
                    i += autolink.Length;
                    continue;
                }
            }

            if ((c == '*' || c == '_') && i + 1 < text.Length && text[i + 1] == c)
            {
                var marker = new string(c, 2);
                var close = text.IndexOf(marker, i + 2, StringComparison.Ordinal);
                if (close > i + 2 && !char.IsWhiteSpace(text[i + 2]) && !char.IsWhiteSpace(text[close - 1]))
                {
                    sb.Append(Inline(text.Substring(i + 2, close - i - 2)));
                    i = close + 2;
                    continue;
                }
            }

            sb.Append(c);
            i++;
        }

        return sb.ToString();
    }

    public static bool IsAbsoluteWebUri(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps);

    private static int CountRun(string text, int start, char c)
    {
        var n = 0;
        while (start + n < text.Length && text[start + n] == c)
        {
            n++;
        }

        return n;
    }

    private static int FindClosingBackticks(string text, int from, int run)
    {
        var i = from;
        while (i < text.Length)
        {
            if (text[i] == '`')
            {
                var n = CountRun(text, i, '`');
                if (n == run)
                {
                    return i;
                }

                i += n;
            }
            else
            {
                i++;
            }
        }

        return -1;
    }
}
