/**
 * Every ```ts block in README.md and docs/ type-checks, as a user's editor
 * would check it: strict, against the package's published types (imports of
 * 'control-as-inference' resolve through the package's exports to dist/, so
 * `npm run build` must have run — `npm test` does). docs.test.ts runs the
 * same blocks; this one makes sure the types the docs show (the inferred
 * `Model<number, 'left' | 'right'>`, untyped callbacks reading `s.x`) are
 * what the compiler says.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = join(root, 'test', '.doc-types');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** The ```ts blocks of a Markdown file, with the line each starts on. */
function tsBlocks(markdown: string): { code: string; line: number }[] {
  const fence = /```(\w*)\n([\s\S]*?)```/g;
  const found: { code: string; line: number }[] = [];
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) {
    if (m[1] === 'ts') found.push({ code: m[2]!, line: markdown.slice(0, m.index).split('\n').length });
  }
  return found;
}

describe('code blocks in the docs type-check', () => {
  it('tsc --noEmit (strict) reports nothing for README.md and docs/**/*.md', () => {
    expect(existsSync(join(root, 'dist', 'index.d.ts')), 'run `npm run build` first: the blocks import the built package').toBe(true);
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    const where = new Map<string, string>();
    let n = 0;
    for (const file of [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))]) {
      for (const block of tsBlocks(readFileSync(file, 'utf8'))) {
        const name = `block-${n++}.ts`;
        where.set(name, `${relative(root, file)}:${block.line}`);
        // `export {}` makes each block a module, so blocks do not share top-level names.
        writeFileSync(join(scratch, name), `${block.code}\nexport {};\n`);
      }
    }
    expect(n).toBeGreaterThan(10);
    // The project's own compiler options (strict …); unused names are fine in a snippet.
    writeFileSync(
      join(scratch, 'tsconfig.json'),
      JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noUnusedLocals: false, noUnusedParameters: false }, include: ['*.ts'], exclude: [] }),
    );
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', scratch, '--pretty', 'false'], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    // Name each failing block by its Markdown file and line.
    const located = output.replace(/(?:test\/\.doc-types\/)?(block-\d+\.ts)/g, (_m, name: string) => `${where.get(name) ?? name} (${name})`);
    expect(located).toBe('');
  }, 120_000);
});
