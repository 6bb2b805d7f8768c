using System;
using System.Linq;
using System.Text;
using MlvFabric.HelpBuilder.Markdown;

namespace MlvFabric.HelpBuilder;

/// <summary>
/// about_*.md (platyPS about template) → about_*.help.txt, laid out as platyPS's text renderer does:
/// <code>
/// # about_Topic            → TOPIC
/// ## about_Topic           →     about_topic
/// # SHORT DESCRIPTION      → SHORT DESCRIPTION
/// ## Subtopic              → Subtopic
/// ### Minor heading        →     MINOR HEADING
/// text, code               →     indented four spaces, text wrapped to fit 80 columns
/// </code>
/// </summary>
public static class AboutTopicWriter
{
    private const string Indent = "    ";
    private const int Width = 80;

    public static string Convert(string path, string text) => Convert(MarkdownDocument.Parse(path, text));

    public static string Convert(MarkdownDocument doc)
    {
        var path = doc.Path;
        var blocks = doc.Blocks;
        var topic = System.IO.Path.GetFileNameWithoutExtension(path);

        if (blocks.Count == 0 || blocks[0].Kind != BlockKind.Heading || blocks[0].Level != 1)
        {
            throw new HelpBuildException(path, blocks.Count > 0 ? blocks[0].Line : 1, $"an about topic starts with '# {topic}' (the topic name).");
        }

        if (blocks.Count < 2 || blocks[1].Kind != BlockKind.Heading || blocks[1].Level != 2)
        {
            throw new HelpBuildException(path, blocks.Count > 1 ? blocks[1].Line : blocks[0].Line,
                $"the second heading of an about topic is '## {topic}' (the name Get-Help looks up), as in platyPS's about template.");
        }

        if (!blocks[1].Text.Trim().Equals(topic, StringComparison.OrdinalIgnoreCase))
        {
            throw new HelpBuildException(path, blocks[1].Line, $"'## {blocks[1].Text}' must name the topic as the file does: '## {topic}'.");
        }

        if (!blocks.Any(b => b.Kind == BlockKind.Heading && b.Level == 1 && b.Text.Trim().Equals("SHORT DESCRIPTION", StringComparison.OrdinalIgnoreCase)))
        {
            throw new HelpBuildException(path, blocks[0].Line, "no '# SHORT DESCRIPTION' heading: Get-Help shows it in topic lists.");
        }

        var sb = new StringBuilder();
        sb.Append("TOPIC").Append("\r\n");
        sb.Append(Indent).Append(blocks[1].Text.Trim().ToLowerInvariant()).Append("\r\n\r\n");

        for (var i = 2; i < blocks.Count; i++)
        {
            var block = blocks[i];
            switch (block.Kind)
            {
                case BlockKind.Heading when block.Level == 1:
                    sb.Append(block.Text.ToUpperInvariant()).Append("\r\n");
                    break;
                case BlockKind.Heading when block.Level == 2:
                    sb.Append(block.Text).Append("\r\n");
                    break;
                case BlockKind.Heading:
                    sb.Append(Indent).Append(block.Text.ToUpperInvariant()).Append("\r\n");
                    break;
                case BlockKind.Paragraph:
                    foreach (var line in block.TextLines)
                    {
                        AppendWrapped(sb, line);
                    }

                    sb.Append("\r\n");
                    break;
                case BlockKind.Code:
                    foreach (var line in block.Lines)
                    {
                        sb.Append(line.Length == 0 ? "" : Indent + line).Append("\r\n");
                    }

                    sb.Append("\r\n");
                    break;
            }
        }

        return sb.ToString().TrimEnd() + "\r\n";
    }

    /// <summary>Writes one logical line indented, wrapped at word boundaries; list items hang their continuation lines.</summary>
    private static void AppendWrapped(StringBuilder sb, string line)
    {
        var leading = line.Length - line.TrimStart().Length;
        var body = line.TrimStart();
        var hang = new string(' ', leading);
        if (body.Length > 2 && (body.StartsWith("- ", StringComparison.Ordinal) || body.StartsWith("* ", StringComparison.Ordinal) || body.StartsWith("+ ", StringComparison.Ordinal)))
        {
            hang += "  ";
        }
        else
        {
            var dot = body.IndexOfAny(new[] { '.', ')' });
            if (dot > 0 && dot < 10 && body.Substring(0, dot).All(char.IsDigit) && body.Length > dot + 1 && body[dot + 1] == ' ')
            {
                hang += new string(' ', dot + 2);
            }
        }

        var first = Indent + new string(' ', leading);
        var rest = Indent + hang;
        var max = Width - 1;
        var current = first;
        var empty = true;
        foreach (var word in body.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!empty && current.Length + 1 + word.Length > max)
            {
                sb.Append(current).Append("\r\n");
                current = rest + word;
                continue;
            }

            current += (empty ? "" : " ") + word;
            empty = false;
        }

        sb.Append(current.TrimEnd()).Append("\r\n");
    }
}
