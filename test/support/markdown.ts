/**
 * Just enough Markdown reading for the docs tests: the anchors GitHub gives a file's headings,
 * its links, its inline code spans and its fenced code blocks, each with the line it is on.
 * Not a renderer: it follows CommonMark where the repository's docs need it (fences, code spans
 * that wrap lines, inline and reference links) and nothing else.
 */

export interface Located {
  readonly line: number;
}

export interface MarkdownLink extends Located {
  readonly target: string;
}

export interface CodeSpan extends Located {
  /** The span's content, with line breaks inside it turned into spaces (as rendered). */
  readonly text: string;
}

export interface CodeBlock extends Located {
  readonly info: string;
  readonly text: string;
}

export interface MarkdownFile {
  readonly headings: readonly (Located & { readonly text: string })[];
  /** Every anchor a `#fragment` may name: heading slugs (GitHub's rules) and HTML `id`/`name`. */
  readonly anchors: ReadonlySet<string>;
  readonly links: readonly MarkdownLink[];
  readonly codeSpans: readonly CodeSpan[];
  readonly codeBlocks: readonly CodeBlock[];
  /** The text outside code, code spans and fenced blocks blanked (line numbers kept). */
  readonly prose: string;
}

/**
 * GitHub's heading anchor: the rendered text lower-cased, every character that is not a letter,
 * mark, digit, connector (`_`), space or hyphen dropped, each space a hyphen. Nothing is
 * collapsed: `a — b` becomes `a--b`.
 */
export const githubSlug = (renderedText: string): string =>
  renderedText
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');

/** A heading's text as GitHub renders it: code spans keep their content, links their text, emphasis goes. */
export const renderedHeadingText = (raw: string): string => {
  const parts = raw.split(/(`+)([^`]*?)\1/);
  let text = '';
  // split() with two groups yields [prose, ticks, code, prose, ticks, code, ...].
  for (let index = 0; index < parts.length; index += 3) {
    const prose = parts[index] ?? '';
    text += prose
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/\*+/g, '')
      .replace(/(^|[^\p{L}\p{N}])_+|_+(?=[^\p{L}\p{N}]|$)/gu, '$1');
    if (index + 2 < parts.length) text += parts[index + 2];
  }
  return text.trim();
};

const fenceOpen = /^ {0,3}(`{3,}|~{3,})\s*([^`]*)$/;

/** Splits a file into prose lines (fenced blocks blanked) and its fenced blocks. */
const separateFences = (source: string): { prose: string[]; blocks: CodeBlock[] } => {
  const lines = source.split('\n');
  const prose: string[] = [];
  const blocks: CodeBlock[] = [];
  let open: { fence: string; info: string; line: number; body: string[] } | undefined;
  lines.forEach((line, index) => {
    if (open) {
      const trimmed = line.trim();
      if (trimmed.startsWith(open.fence[0]!.repeat(open.fence.length)) && /^(`+|~+)$/.test(trimmed)) {
        blocks.push({ line: open.line, info: open.info, text: open.body.join('\n') });
        open = undefined;
      } else {
        open.body.push(line);
      }
      prose.push('');
      return;
    }
    const match = fenceOpen.exec(line);
    if (match) {
      open = { fence: match[1]!, info: match[2]!.trim(), line: index + 1, body: [] };
      prose.push('');
      return;
    }
    prose.push(line);
  });
  if (open) blocks.push({ line: open.line, info: open.info, text: open.body.join('\n') });
  return { prose, blocks };
};

const lineAt = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;

export const readMarkdown = (source: string): MarkdownFile => {
  const { prose, blocks } = separateFences(source);
  const text = prose.join('\n');

  // Code spans first (they may wrap lines); links are looked for in the prose around them.
  const codeSpans: CodeSpan[] = [];
  let outside = '';
  let last = 0;
  for (const match of text.matchAll(/(?<!`)(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g)) {
    const content = match[2]!;
    // A span cannot cross a blank line (a paragraph break).
    if (/\n\s*\n/.test(content)) continue;
    codeSpans.push({ line: lineAt(text, match.index), text: content.replace(/\s*\n\s*/g, ' ').trim() });
    // Blanked, newlines kept, so offsets and line numbers of the prose stay true.
    outside += text.slice(last, match.index) + match[0].replace(/[^\n]/g, ' ');
    last = match.index + match[0].length;
  }
  const proseOnly = outside + text.slice(last);

  const links: MarkdownLink[] = [];
  for (const match of proseOnly.matchAll(
    /!?\[(?:[^\]\n]|\n(?!\s*\n))*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g,
  ))
    links.push({ line: lineAt(proseOnly, match.index), target: match[1]! });
  for (const match of proseOnly.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm))
    links.push({ line: lineAt(proseOnly, match.index), target: match[1]! });
  for (const match of proseOnly.matchAll(/<(https?:\/\/[^>\s]+)>/g))
    links.push({ line: lineAt(proseOnly, match.index), target: match[1]! });

  const headings: (Located & { text: string })[] = [];
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  prose.forEach((line, index) => {
    const match = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!match) return;
    const rendered = renderedHeadingText(match[1]!);
    headings.push({ line: index + 1, text: rendered });
    const base = githubSlug(rendered);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  });
  for (const match of text.matchAll(/<[a-z]+\b[^>]*\b(?:id|name)="([^"]+)"/gi)) anchors.add(match[1]!);

  return { headings, anchors, links, codeSpans, codeBlocks: blocks, prose: proseOnly };
};
