/**
 * Every ```ts block in README.md and docs/ runs, as a user would paste it
 * (importing from 'control-as-inference', resolved through the package's
 * exports). When a ```text block follows it directly, the block's console
 * output must equal that text: the README's numbers are printed by the code
 * beside them, not typed by hand.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = join(root, 'test', '.doc-blocks');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

interface Block {
  code: string;
  expected: string | undefined;
  line: number;
}

/** ```ts blocks, each with the ```text block right after it (if any). */
function blocks(markdown: string): Block[] {
  const fence = /```(\w*)\n([\s\S]*?)```/g;
  const found: { lang: string; body: string; start: number; end: number }[] = [];
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) {
    found.push({ lang: m[1]!, body: m[2]!, start: m.index, end: m.index + m[0].length });
  }
  return found.flatMap((b, i) => {
    if (b.lang !== 'ts') return [];
    const next = found[i + 1];
    const between = next ? markdown.slice(b.end, next.start) : '';
    const expected = next && next.lang === 'text' && between.trim().split('\n').length <= 2 ? next.body : undefined;
    return [{ code: b.body, expected, line: markdown.slice(0, b.start).split('\n').length }];
  });
}

const files = [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))];

describe('code blocks in the docs run', () => {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  for (const file of files) {
    const name = relative(root, file);
    blocks(readFileSync(file, 'utf8')).forEach((block, i) => {
      it(`${name}:${block.line}`, async () => {
        const path = join(scratch, `${name.replace(/[^\w]+/g, '-')}-${i}.ts`);
        writeFileSync(path, block.code);
        const lines: string[] = [];
        vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
          lines.push(args.map((a) => (typeof a === 'string' ? a : formatLikeNode(a))).join(' '));
        });
        await import(pathToFileURL(path).href);
        if (block.expected !== undefined) expect(lines.join('\n') + '\n').toBe(block.expected);
      });
    });
  }
});

/** console.log's rendering of non-strings, close enough for short arrays and numbers. */
function formatLikeNode(value: unknown): string {
  if (Array.isArray(value)) return `[ ${value.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ')} ]`;
  return String(value);
}
