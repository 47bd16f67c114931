/**
 * `npm run playground`: build the playground into one self-contained HTML
 * file, `build/playground/index.html` (git-ignored: it is generated, like
 * dist/, and the Chromium test builds it afresh). One file because Chromium
 * refuses `new Worker('worker.js')` on a file:// page; the worker's bundle
 * rides in the page as text and starts from a Blob URL, so the page opens
 * from file:// or any static server and fetches nothing.
 *
 * esbuild bundles two scripts, both minified for the browser: the page
 * (CodeMirror and the drawing) and the worker (the library, Vega for the
 * pictures, sucrase for the TypeScript).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { playgroundExamples } from './examples.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [join(HERE, entry)],
    bundle: true,
    write: false,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** A script's text made safe to sit inside <script>…</script>. */
function inline(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

export interface BuiltPlayground {
  readonly file: string;
  readonly bytes: number;
  readonly pageBytes: number;
  readonly workerBytes: number;
}

/** Build the page into `outDir` (default build/playground) and say how large it is. */
export async function buildPlayground(outDir = join(ROOT, 'build', 'playground')): Promise<BuiltPlayground> {
  const [page, worker] = await Promise.all([bundle('page.ts'), bundle('worker.ts')]);
  const examples = playgroundExamples(ROOT).map(({ name, title, source, settings }) => ({ name, title, source, settings }));
  const html = readFileSync(join(HERE, 'index.html'), 'utf8')
    .replace('/*STYLE*/', () => readFileSync(join(HERE, 'style.css'), 'utf8'))
    .replace('/*EXAMPLES*/', () => JSON.stringify(examples).replace(/</g, '\\u003c'))
    .replace('/*WORKER*/', () => inline(worker))
    .replace('/*PAGE*/', () => inline(page));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, 'index.html');
  writeFileSync(file, html);
  return { file, bytes: Buffer.byteLength(html), pageBytes: Buffer.byteLength(page), workerBytes: Buffer.byteLength(worker) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const built = await buildPlayground(process.argv[2]);
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
  process.stdout.write(`${built.file}: ${kb(built.bytes)} (page script ${kb(built.pageBytes)}, worker ${kb(built.workerBytes)})\n`);
}
