// The doctest's reading of markdown: which fenced blocks run, how, and what a transcript
// promises. A directive is an HTML comment on the last non-blank line before a fence:
//   <!-- doctest: skip (reason) -->   not run; the reason is required and printed
//   <!-- doctest: continue -->        runs after the previous block of its kind in the file
// Blocks tagged js/ts/sh/console/html run; untagged blocks (output, tables) are prose.

/** How a block runs: js as an .mjs file, ts through tsx, sh line by line, console as a transcript, html in Chromium. */
export type BlockKind = 'js' | 'ts' | 'sh' | 'console' | 'html';

const KINDS: Record<string, BlockKind> = {
  js: 'js', javascript: 'js', mjs: 'js', ts: 'ts', typescript: 'ts',
  sh: 'sh', bash: 'sh', shell: 'sh', console: 'console', html: 'html',
};

export interface DocBlock {
  /** Where the fence opens, for messages: `README.md:93`. */
  where: string;
  kind: BlockKind;
  /** The block's own text, indentation removed. */
  code: string;
  /** The text to run: the block, after the blocks it continues. */
  program: string;
  /** Set when the block is marked skip. */
  skip?: string;
}

const DIRECTIVE = /^<!--\s*doctest:\s*(.*?)\s*-->$/;
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)/;

/** The runnable blocks of one markdown text, in order; throws on a malformed directive. */
export function extractBlocks(markdown: string, file: string): DocBlock[] {
  const lines = markdown.split('\n');
  const blocks: DocBlock[] = [];
  const last = new Map<BlockKind, DocBlock>();
  let pending: { text: string; line: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const open = FENCE.exec(line);
    if (!open) {
      const trimmed = line.trim();
      if (trimmed === '') continue;
      const d = DIRECTIVE.exec(trimmed);
      pending = d ? { text: d[1], line: i + 1 } : undefined;
      if (!d && /^<!--\s*doctest/.test(trimmed)) throw new Error(`${file}:${i + 1}: malformed doctest directive: ${trimmed}`);
      continue;
    }
    const [, indent, fence, lang] = open;
    const body: string[] = [];
    let j = i + 1;
    const closes = (l: string) => l.trim().startsWith(fence) && /^([`~])\1*$/.test(l.trim()) && l.trim()[0] === fence[0];
    while (j < lines.length && !closes(lines[j])) {
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
      j++;
    }
    if (j === lines.length) throw new Error(`${file}:${i + 1}: code fence never closes`);
    const kind = KINDS[lang.toLowerCase()];
    const where = `${file}:${i + 1}`;
    const directive = pending;
    pending = undefined;
    i = j;
    if (!kind) {
      if (directive) throw new Error(`${file}:${directive.line}: doctest directive before a block that does not run (\`\`\`${lang})`);
      continue;
    }
    const code = body.join('\n');
    const block: DocBlock = { where, kind, code, program: code };
    if (directive) {
      const skip = /^skip\s*\(\s*(\S.*?)\s*\)$/.exec(directive.text);
      if (skip) block.skip = skip[1];
      else if (directive.text === 'continue') {
        const previous = last.get(kind);
        if (!previous) throw new Error(`${where}: doctest continue, but no earlier ${kind} block in ${file}`);
        block.program = `${previous.program}\n${code}`;
      } else if (/^skip\b/.test(directive.text)) {
        throw new Error(`${file}:${directive.line}: doctest skip needs a reason: <!-- doctest: skip (why it cannot run here) -->`);
      } else {
        throw new Error(`${file}:${directive.line}: unknown doctest directive '${directive.text}' (expected 'skip (reason)' or 'continue')`);
      }
    }
    if (!block.skip) last.set(kind, block);
    blocks.push(block);
  }
  return blocks;
}

/** One `$ command` of a transcript and what it printed. */
export interface TranscriptStep {
  command: string;
  /** stdout and stderr as shown, trailing blank lines removed. */
  output: string[];
  /** From a `[exit code N]` line; 0 when there is none. */
  exitCode: number;
}

const EXIT = /^\[exit code (\d+)\]$/;

/** Splits a console block into its commands and their shown output. */
export function parseTranscript(code: string): TranscriptStep[] {
  const steps: TranscriptStep[] = [];
  for (const line of code.split('\n')) {
    if (line.startsWith('$ ')) {
      steps.push({ command: line.slice(2), output: [], exitCode: 0 });
      continue;
    }
    const step = steps.at(-1);
    if (!step) throw new Error(`a transcript starts with a '$ ' command, not '${line}'`);
    const exit = EXIT.exec(line.trim());
    if (exit) step.exitCode = Number(exit[1]);
    else step.output.push(line);
  }
  for (const step of steps) step.output = trimEnd(step.output);
  return steps;
}

/** Lines without trailing blank ones and without trailing spaces. */
export function trimEnd(lines: string[]): string[] {
  const out = lines.map((l) => l.replace(/\s+$/, ''));
  while (out.length > 0 && out.at(-1) === '') out.pop();
  return out;
}

/**
 * What may differ between runs and machines, masked on both sides: durations (`0.814 ms`)
 * and the runtime's version line. Everything else (losses, metrics, epochs, files) must match.
 */
export function maskVolatile(line: string): string {
  return line
    .replace(/\d+(\.\d+)?(e[+-]?\d+)? ms\b/g, '<ms>')
    .replace(/Node v\S+ \([^)]*\)/, 'Node <version>');
}

/** The first line where shown and actual output differ after masking, or undefined when they agree. */
export function transcriptMismatch(shown: string[], actual: string[]): string | undefined {
  const a = trimEnd(actual);
  for (let i = 0; i < Math.max(shown.length, a.length); i++) {
    const s = shown[i] === undefined ? undefined : maskVolatile(shown[i]);
    const r = a[i] === undefined ? undefined : maskVolatile(a[i]);
    if (s !== r) return `line ${i + 1}: the doc shows ${JSON.stringify(shown[i] ?? '(nothing)')}, the command printed ${JSON.stringify(a[i] ?? '(nothing)')}`;
  }
  return undefined;
}
