/**
 * The `cai` command lines in the docs run as written:
 *  - the README's picture is made by the `cai plot` line printed beside it;
 *    the test runs that very line (in-process) and checks the committed SVG
 *    is what it makes, so the picture cannot drift from the code;
 *  - in the guides, a ```ts block whose first line is `// <name>.ts` is a model
 *    file: it is saved under that name, and every ```sh line `npx cai …` runs
 *    against it; when a ```text block follows, it must equal what the command prints;
 *  - every relative link in the README and the docs points at a file that exists;
 *    the README (shown on the registry page, where relative links break) links
 *    to the repository by absolute URL, and each such link names a file that exists here.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
/** The repository's files as the README links them (absolute, so that they work on the registry page too). */
const BLOB = 'https://github.com/control-as-inference/control-as-inference/blob/main/';
const RAW = 'https://raw.githubusercontent.com/control-as-inference/control-as-inference/main/';

/** Split a shell line into words (double quotes group, nothing else is special). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

describe('the README picture', () => {
  it('is what the documented `npx cai plot …` line makes', async () => {
    const line = readme.split('\n').find((l) => l.startsWith('npx cai plot ') && l.includes('--out docs/images/'));
    expect(line, 'a line `npx cai plot … --out docs/images/….svg` in README.md').toBeDefined();
    const argv = words(line!).slice(2); // drop `npx cai`
    const target = argv[argv.indexOf('--out') + 1]!;
    expect(readme).toContain(`](${RAW}${target})`); // the README shows the file the line writes
    const files = new Map<string, string>();
    const err: string[] = [];
    const io: CliIo = {
      stdout: { write: () => true },
      stderr: { write: (s: string) => err.push(s) },
      cwd: root,
      importModule: (url) => import(/* @vite-ignore */ url) as Promise<Record<string, unknown>>,
      writeFile: (path, text) => files.set(path, text),
    };
    expect(await main(argv, io)).toBe(0);
    expect(err).toEqual([]);
    const made = files.get(resolve(root, target));
    expect(made).toBeDefined();
    expect(made!.startsWith('<svg')).toBe(true);
    // If this fails after a deliberate change to the picture, run the README's line again and commit the file.
    expect(readFileSync(join(root, target), 'utf8')).toBe(made);
  });
});

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'api') return []; // typedoc output (npm run docs), not committed
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** Run `cai` in-process in `cwd`; what it prints and the files it writes. */
async function cai(argv: readonly string[], cwd: string): Promise<{ code: number; out: string; err: string; files: Map<string, string> }> {
  const out: string[] = [];
  const err: string[] = [];
  const files = new Map<string, string>();
  const io: CliIo = {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    cwd,
    importModule: (url) => import(/* @vite-ignore */ url) as Promise<Record<string, unknown>>,
    writeFile: (path, text) => files.set(path, text),
  };
  const code = await main(argv, io);
  return { code, out: out.join(''), err: err.join(''), files };
}

interface Fence {
  readonly lang: string;
  readonly body: string;
  readonly line: number;
}

function fences(markdown: string): Fence[] {
  return [...markdown.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, body: m[2]!, line: markdown.slice(0, m.index).split('\n').length }));
}

describe('cai commands in the guides', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'cai-guides-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const dist = pathToFileURL(join(root, 'dist/index.js')).href;
  for (const file of markdownFiles(join(root, 'docs', 'guides'))) {
    const name = relative(root, file);
    const all = fences(readFileSync(file, 'utf8'));
    all.forEach((fence, i) => {
      if (fence.lang !== 'sh') return;
      const expected = all[i + 1]?.lang === 'text' ? all[i + 1]!.body : undefined;
      for (const line of fence.body.split('\n').filter((l) => l.startsWith('npx cai '))) {
        it(`${name}:${fence.line}: ${line}`, async () => {
          // The guide's model files, importing the built package as a reader's copy would.
          for (const block of all.filter((b) => b.lang === 'ts' && /^\/\/ [\w-]+\.ts\n/.test(b.body))) {
            const fileName = block.body.slice(3, block.body.indexOf('\n'));
            writeFileSync(join(scratch, fileName), block.body.replaceAll("from 'control-as-inference'", `from '${dist}'`));
          }
          const argv = words(line.replace(/\s+#.*$/, '')).slice(2);
          const r = await cai(argv, scratch);
          expect(r.err.replace(/^wrote .*\n/, '')).toBe('');
          expect(r.code).toBe(0);
          if (expected !== undefined) expect(r.out).toBe(expected);
        });
      }
    });
  }
});

describe('cai commands in the README', () => {
  // Lines on the repository's own files run as written; lines on a reader's file (my-model.ts) are illustrations.
  const lines = fences(readme)
    .filter((f) => f.lang === 'sh')
    .flatMap((f) => f.body.split('\n'))
    .filter((l) => l.startsWith('npx cai ') && !l.includes('--out docs/images/'))
    .map((l) => words(l.replace(/\s+#.*$/, '')).slice(2))
    .filter((argv) => existsSync(join(root, argv[1] ?? '')));
  it('there is at least one to run', () => expect(lines.length).toBeGreaterThan(0));
  for (const argv of lines) {
    it(`cai ${argv.join(' ')}`, async () => {
      const r = await cai(argv, root);
      expect(r.err.replace(/^wrote .*\n/, '')).toBe('');
      expect(r.code).toBe(0);
      expect(r.out.length + r.files.size).toBeGreaterThan(0); // printed, or wrote its --out file
    });
  }
});

describe('links in the README and the docs', () => {
  it('README.md: no relative link (the registry page cannot follow one); every link into the repository names a file that exists', () => {
    const text = readme.replace(/```[\s\S]*?```/g, '');
    const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    expect(targets.filter((t) => !/^[a-z]+:/.test(t) && !t.startsWith('#'))).toEqual([]);
    const ours = targets.filter((t) => t.startsWith(BLOB) || t.startsWith(RAW));
    expect(ours.length).toBeGreaterThan(10);
    expect(ours.filter((t) => !existsSync(join(root, t.slice(t.startsWith(BLOB) ? BLOB.length : RAW.length).split('#')[0]!)))).toEqual([]);
  });
  for (const file of [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))]) {
    it(`${relative(root, file)}: every relative link resolves`, () => {
      const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
      const broken = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
        .map((m) => m[1]!)
        .filter((target) => !/^[a-z]+:/.test(target) && !target.startsWith('#'))
        .filter((target) => !existsSync(resolve(dirname(file), target.split('#')[0]!)));
      expect(broken).toEqual([]);
    });
  }
});
