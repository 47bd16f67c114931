/**
 * The playground page: a CodeMirror editor holding a TypeScript model, the
 * controls, and the answers drawn from what the worker sends. The page never
 * runs the model itself (see worker.ts); it keeps one run at a time, and a
 * new run or Cancel terminates the worker that is busy.
 */
import { javascript } from '@codemirror/lang-javascript';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { Prec } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { EditorView, basicSetup } from 'codemirror';
import { decodeState, encodeState } from './hash.js';
import { ENGINE_NAMES, type EngineName, type RunRequest, type RunResult, type Settings, type ShownError, type WorkerReply } from './protocol.js';
import { animateRollouts, type RolloutAnimation } from './rollout.js';

interface Example {
  readonly name: string;
  readonly title: string;
  readonly source: string;
  readonly settings: Partial<Settings>;
}

const DEFAULTS: Settings = { exportName: '', engine: 'exact', backup: 'posterior', alpha: null, steps: null, particles: null, seed: 0, samples: 8 };
/** Runs faster than this re-run as a control moves ("live"); slower ones wait for Run. */
const LIVE_MS = 1500;
const FILE = 'model.ts';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const examples = JSON.parse(byId('examples').textContent ?? '[]') as Example[];
const modules = Object.fromEntries(examples.map((e) => [e.name, e.source]));
const workerUrl = URL.createObjectURL(new Blob([byId('worker-source').textContent ?? ''], { type: 'text/javascript' }));

const ui = {
  example: byId<HTMLSelectElement>('example'),
  run: byId<HTMLButtonElement>('run'),
  cancel: byId<HTMLButtonElement>('cancel'),
  link: byId<HTMLButtonElement>('link'),
  progress: byId<HTMLProgressElement>('progress'),
  status: byId<HTMLSpanElement>('status'),
  error: byId<HTMLDivElement>('error'),
  answers: byId<HTMLElement>('answers'),
  controls: byId<HTMLFormElement>('controls'),
  engine: byId<HTMLSelectElement>('engine'),
  backup: byId<HTMLSelectElement>('backup'),
  alphaRange: byId<HTMLInputElement>('alpha-range'),
  alpha: byId<HTMLInputElement>('alpha'),
  alphaReset: byId<HTMLButtonElement>('alpha-reset'),
  steps: byId<HTMLInputElement>('steps'),
  particles: byId<HTMLInputElement>('particles'),
  seed: byId<HTMLInputElement>('seed'),
  samples: byId<HTMLInputElement>('samples'),
  exportName: byId<HTMLInputElement>('export'),
  summary: byId<HTMLDivElement>('summary'),
  logp: byId<HTMLOutputElement>('logp'),
  kind: byId<HTMLSpanElement>('kind'),
  facts: byId<HTMLParagraphElement>('facts'),
  policyFigure: byId<HTMLElement>('policy-figure'),
  policy: byId<HTMLTableElement>('policy'),
  values: byId<HTMLElement>('values'),
  rolloutFigure: byId<HTMLElement>('rollout-figure'),
  rollout: byId<HTMLDivElement>('rollout'),
  play: byId<HTMLButtonElement>('play'),
  clock: byId<HTMLSpanElement>('clock'),
  marginals: byId<HTMLElement>('marginals'),
  notes: byId<HTMLUListElement>('notes'),
};

// ── the editor ──────────────────────────────────────────────────────────────
const editor = new EditorView({
  parent: byId('editor'),
  extensions: [
    basicSetup,
    javascript({ typescript: true }),
    lintGutter(),
    Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (run(), true) }])),
  ],
});
const code = () => editor.state.doc.toString();
const setCode = (text: string) => editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });

// ── settings ↔ controls ─────────────────────────────────────────────────────
for (const name of ENGINE_NAMES) ui.engine.add(new Option(name, name));
for (const e of examples) ui.example.add(new Option(e.title, e.name));
ui.example.add(new Option('(your own code)', ''));

const numberOrNull = (input: HTMLInputElement) => (input.value.trim() === '' ? null : Number(input.value));
function readSettings(): Settings {
  return {
    exportName: ui.exportName.value.trim(),
    engine: ui.engine.value as EngineName,
    backup: ui.backup.value === 'fixed-dynamics' ? 'fixed-dynamics' : 'posterior',
    alpha: numberOrNull(ui.alpha),
    steps: numberOrNull(ui.steps),
    particles: numberOrNull(ui.particles),
    seed: numberOrNull(ui.seed) ?? 0,
    samples: numberOrNull(ui.samples) ?? DEFAULTS.samples,
  };
}
function writeSettings(s: Settings): void {
  ui.exportName.value = s.exportName;
  // A link from elsewhere may name an engine this page does not offer: keep the default rather than run nothing.
  ui.engine.value = (ENGINE_NAMES as readonly string[]).includes(s.engine) ? s.engine : DEFAULTS.engine;
  ui.backup.value = s.backup;
  ui.alpha.value = s.alpha === null ? '' : String(s.alpha);
  if (s.alpha !== null) ui.alphaRange.value = String(s.alpha);
  ui.steps.value = s.steps === null ? '' : String(s.steps);
  ui.particles.value = s.particles === null ? '' : String(s.particles);
  ui.seed.value = String(s.seed);
  ui.samples.value = String(s.samples);
  showEngineControls();
}
function showEngineControls(): void {
  const engine = ui.engine.value;
  const show = (cls: string, on: boolean) => document.querySelectorAll<HTMLElement>(cls).forEach((el) => (el.hidden = !on));
  show('.for-exact', engine === 'exact');
  show('.for-importance', engine === 'importance');
  show('.for-steps', engine !== 'exact' && engine !== 'importance');
}

function loadExample(name: string): void {
  const example = examples.find((e) => e.name === name);
  if (example === undefined) return;
  setCode(example.source);
  writeSettings({ ...DEFAULTS, ...example.settings });
  ui.example.value = name;
}

// ── the worker ──────────────────────────────────────────────────────────────
let worker = startWorker();
let running: { id: number; started: number } | undefined;
/** A live change arrived while a run was busy: run once more when it answers (rather than restart the worker per slider step). */
let pending = false;
let nextId = 1;
let lastRunMs = Infinity;
let firstAnswerMs: number | undefined;
let animation: RolloutAnimation | undefined;

function startWorker(): Worker {
  const w = new Worker(workerUrl);
  w.onmessage = (event: MessageEvent<WorkerReply>) => onReply(event.data);
  return w;
}

/** Start a run; a live one waits for the run in progress, an explicit one (Run, Ctrl-Enter, an example) replaces it. */
function run(live = false): void {
  if (running !== undefined && live) {
    pending = true;
    return;
  }
  pending = false;
  if (running !== undefined) stopWorker();
  const request: RunRequest = { id: nextId++, source: code(), file: FILE, modules, settings: readSettings() };
  running = { id: request.id, started: performance.now() };
  worker.postMessage(request);
  ui.cancel.disabled = false;
  ui.status.textContent = 'running…';
  ui.answers.dataset['state'] = 'running';
  ui.progress.value = 0;
  ui.progress.removeAttribute('value'); // indeterminate until the engine reports progress
  setTimeout(() => running?.id === request.id && (ui.progress.hidden = false), 150);
  void saveHash();
}

function stopWorker(): void {
  worker.terminate();
  worker = startWorker();
  running = undefined;
  ui.progress.hidden = true;
  ui.cancel.disabled = true;
}

function cancel(): void {
  if (running === undefined) return;
  stopWorker();
  pending = false;
  ui.status.textContent = 'cancelled';
  ui.answers.dataset['state'] = 'cancelled';
}

function onReply(reply: WorkerReply): void {
  if (running === undefined || reply.id !== running.id) return;
  if (reply.type === 'progress') {
    ui.progress.value = reply.fraction;
    ui.status.textContent = `${(100 * reply.fraction).toFixed(0)}% ${reply.message}`;
    return;
  }
  lastRunMs = performance.now() - running.started;
  running = undefined;
  ui.progress.hidden = true;
  ui.cancel.disabled = true;
  if (reply.type === 'result') showResult(reply.result);
  else showError(reply.error);
  ui.answers.dataset['run'] = String(reply.id);
  ui.answers.dataset['state'] = reply.type === 'result' ? 'done' : 'error';
  if (pending) run();
}

// ── the answers ─────────────────────────────────────────────────────────────
const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : x > 0 ? '∞' : x < 0 ? '−∞' : 'NaN');

function showResult(r: RunResult): void {
  firstAnswerMs ??= performance.now();
  ui.answers.dataset['firstAnswerMs'] = firstAnswerMs.toFixed(0);
  clearError();
  ui.summary.hidden = false;
  ui.logp.textContent = fmt(r.evidence.logValue, 6) + (r.evidence.standardError !== null ? ` ± ${fmt(r.evidence.standardError, 4)}` : '');
  ui.logp.dataset['value'] = String(r.evidence.logValue);
  ui.kind.textContent = r.evidence.kind;
  ui.kind.className = `badge ${r.evidence.kind}`;
  ui.kind.title = r.evidence.description;
  ui.facts.textContent = `${r.engine} · α = ${r.alpha} (model's ${r.modelAlpha}) · T = ${Number.isFinite(r.horizon) ? r.horizon : '∞ (discounted)'} · model from export ${r.from} · ${r.elapsedMs.toFixed(0)} ms in the worker`;
  ui.status.textContent = `done in ${lastRunMs.toFixed(0)} ms`;
  if (ui.alpha.value === '') ui.alphaRange.value = String(r.modelAlpha);

  ui.policyFigure.hidden = r.startPolicy.length === 0;
  ui.policy.replaceChildren();
  if (r.startPolicy.length > 0) {
    const head = ui.policy.createTHead().insertRow();
    for (const h of ['s_0', ...r.actions]) head.appendChild(document.createElement('th')).textContent = h;
    const body = ui.policy.createTBody();
    for (const row of r.startPolicy) {
      const tr = body.insertRow();
      tr.dataset['state'] = row.state;
      tr.insertCell().textContent = row.state;
      for (const p of row.probs) {
        const td = tr.insertCell();
        td.textContent = fmt(p);
        td.dataset['value'] = String(p);
      }
    }
  }
  // The SVGs are the library's own output (Vega's SVG writer escapes every label).
  ui.values.hidden = r.valuesSvg === null;
  ui.values.innerHTML = r.valuesSvg ?? '';
  ui.marginals.hidden = r.marginalsSvg === null;
  ui.marginals.innerHTML = r.marginalsSvg ?? '';
  animation?.stop();
  animation = undefined;
  ui.rolloutFigure.hidden = r.grid === null || r.rollouts.length === 0;
  if (r.grid !== null && r.rollouts.length > 0) {
    animation = animateRollouts(ui.rollout, ui.clock, r.grid, r.rollouts);
    ui.play.textContent = 'Pause';
  }
  ui.notes.replaceChildren(...r.notes.map((n) => Object.assign(document.createElement('li'), { textContent: n })));
}

function showError(e: ShownError): void {
  ui.status.textContent = 'the model has an error';
  ui.error.hidden = false;
  ui.error.replaceChildren();
  const title = ui.error.appendChild(document.createElement('strong'));
  title.textContent = e.code !== null ? `${e.name} [${e.code}]` : e.name;
  if (e.line !== null && e.line <= editor.state.doc.lines) {
    const line = e.line;
    ui.error.append(e.lineFrom === 'part' ? ' near ' : ' at ');
    const a = ui.error.appendChild(document.createElement('a'));
    a.textContent = `line ${line}`;
    a.dataset['line'] = String(line);
    a.onclick = () => {
      const at = editor.state.doc.line(line).from;
      editor.dispatch({ selection: { anchor: at }, scrollIntoView: true });
      editor.focus();
    };
    const { from, to } = editor.state.doc.line(line);
    editor.dispatch(setDiagnostics(editor.state, [{ from, to, severity: 'error', message: e.message }]));
  } else {
    editor.dispatch(setDiagnostics(editor.state, []));
  }
  ui.error.append('\n' + e.message);
}

function clearError(): void {
  ui.error.hidden = true;
  ui.error.replaceChildren();
  editor.dispatch(setDiagnostics(editor.state, []));
}

// ── the link ────────────────────────────────────────────────────────────────
async function saveHash(): Promise<void> {
  const hash = await encodeState({ code: code(), settings: readSettings() });
  history.replaceState(null, '', hash);
}

async function restore(): Promise<boolean> {
  try {
    const state = await decodeState(location.hash);
    if (state === undefined || typeof state.code !== 'string') return false;
    setCode(state.code);
    writeSettings({ ...DEFAULTS, ...state.settings });
    ui.example.value = examples.find((e) => e.source === state.code)?.name ?? '';
    return true;
  } catch (error) {
    ui.status.textContent = `the link could not be read (${error instanceof Error ? error.message : String(error)}); showing the flagship`;
    return false;
  }
}

// ── wiring ──────────────────────────────────────────────────────────────────
let liveTimer: ReturnType<typeof setTimeout> | undefined;
/** A control changed: re-run at once on a small model, otherwise say that Run will use it. */
function settingsChanged(): void {
  showEngineControls();
  clearTimeout(liveTimer);
  if (lastRunMs <= LIVE_MS) liveTimer = setTimeout(() => run(true), 60);
  else ui.status.textContent = 'settings changed: press Run';
}

ui.run.onclick = () => run();
ui.cancel.onclick = cancel;
ui.example.onchange = () => {
  loadExample(ui.example.value);
  run();
};
ui.link.onclick = async () => {
  await saveHash();
  ui.status.textContent = 'the address bar now restores this code and these settings';
  try {
    await navigator.clipboard.writeText(location.href);
    ui.status.textContent += ' (link copied)';
  } catch {
    // No clipboard on a file:// page or without permission: the address bar has the link.
  }
};
ui.controls.onsubmit = (e) => e.preventDefault();
ui.controls.addEventListener('change', (e) => e.target !== ui.alphaRange && settingsChanged());
ui.alphaRange.addEventListener('input', () => {
  ui.alpha.value = ui.alphaRange.value;
  settingsChanged();
});
ui.alpha.addEventListener('input', () => {
  if (ui.alpha.value !== '') ui.alphaRange.value = ui.alpha.value;
});
ui.alphaReset.onclick = () => {
  ui.alpha.value = '';
  settingsChanged();
};
ui.play.onclick = () => {
  if (animation !== undefined) ui.play.textContent = animation.toggle() ? 'Pause' : 'Play';
};

void (async () => {
  if (!(await restore())) loadExample(examples[0]?.name ?? '');
  run();
})();
