using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Markdig.Syntax.Inlines;

namespace MlvFabric.HelpBuilder.Markdown;

/// <summary>
/// Turns Markdown text into the plain text that MAML paragraphs and about topics hold: soft-wrapped lines are
/// joined, list items and table rows keep a line each, hard breaks start a new line, and code keeps its layout
/// (indented four spaces). Inline markup is reduced to what reads well in a console: links become "text (uri)"
/// (relative links: the text), bold markers and backslash escapes are dropped, `code` and single-delimiter
/// emphasis (often a wildcard, as in *-MlvSchedule) are kept as written.
/// </summary>
public static class TextFormatter
{
    private static readonly Regex ItemOrRow = new(@"^(?<indent>\s*)(?:[-*+]\s+\S|\d{1,9}[.)]\s+\S|\|)", RegexOptions.CultureInvariant);

    /// <summary>
    /// MAML paragraphs for a run of paragraph and code blocks (headings are not text). Get-Help prints each
    /// paragraph followed by a blank line and keeps the line breaks inside one, so a Markdown paragraph becomes
    /// one paragraph (its list items, table rows and hard breaks on lines of their own) and a code block one
    /// paragraph of lines indented four spaces.
    /// </summary>
    public static List<string> ToParagraphs(IEnumerable<Block> blocks) =>
        blocks.Select(block => block.Kind switch
        {
            BlockKind.Paragraph => string.Join("\n", block.TextLines),
            BlockKind.Code => string.Join("\n", block.Lines.Select(line => line.Length == 0 ? "" : "    " + line)),
            _ => throw new ArgumentException("Headings are not text.", nameof(blocks)),
        }).ToList();

    /// <summary>
    /// The logical lines of one paragraph's inlines. <paramref name="source"/> is the text Markdig read,
    /// <paramref name="lines"/> its lines, <paramref name="firstLine"/> the paragraph's first line (0-based).
    /// </summary>
    public static List<string> Lines(ContainerInline inlines, string source, IReadOnlyList<string> lines, int firstLine)
    {
        var result = new List<string> { "" };
        var sb = new StringBuilder(ItemOrRow.Match(lines[firstLine]).Groups["indent"].Value);
        Append(inlines, sb, result, source, lines);
        result[^1] = sb.ToString();
        return result;
    }

    private static void Append(ContainerInline container, StringBuilder sb, List<string> result, string source, IReadOnlyList<string> lines)
    {
        foreach (var inline in container)
        {
            switch (inline)
            {
                case CodeInline code:
                    sb.Append(string.Join(" ", source.Substring(code.Span.Start, code.Span.Length).Split('\n').Select(l => l.Trim())));
                    break;
                case EmphasisInline { DelimiterCount: 1 } emphasis:
                    sb.Append(emphasis.DelimiterChar);
                    Append(emphasis, sb, result, source, lines);
                    sb.Append(emphasis.DelimiterChar);
                    break;
                case LinkInline link:
                    var text = new StringBuilder();
                    Append(link, text, result, source, lines);
                    sb.Append(link.IsImage ? "!" : "").Append(text);
                    if (IsAbsoluteWebUri(link.Url ?? "") && text.ToString() != link.Url)
                    {
                        sb.Append(" (").Append(link.Url).Append(')');
                    }

                    break;
                case ContainerInline children:
                    Append(children, sb, result, source, lines);
                    break;
                case AutolinkInline autolink:
                    sb.Append(autolink.Url);
                    break;
                case HtmlInline html:
                    sb.Append(html.Tag);
                    break;
                case HtmlEntityInline entity:
                    sb.Append(entity.Original.ToString());
                    break;
                case LineBreakInline lineBreak:
                    // A list item or table row starts a line (list items keep their indentation: nesting); a row ends one.
                    var next = ItemOrRow.Match(lines[lineBreak.Line + 1]);
                    if (lineBreak.IsHard || next.Success || lines[lineBreak.Line].TrimStart().StartsWith('|'))
                    {
                        result[^1] = sb.ToString().TrimEnd();
                        result.Add("");
                        sb.Clear().Append(next.Groups["indent"].Value);
                    }
                    else
                    {
                        sb.Append(' ');
                    }

                    break;
                default:
                    sb.Append(inline.ToString());
                    break;
            }
        }
    }

    public static bool IsAbsoluteWebUri(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps);
}
