/**
 * The examples of `dsl-examples/` as the page holds them (Node-only; used by
 * the build and the tests). Each is the file itself with three mechanical
 * changes, so that the page never drifts from the examples the tests run:
 * the library is imported as 'control-as-inference' (the page provides it;
 * `../src/<sub>/index.js` becomes the subpath 'control-as-inference/<sub>'),
 * the `node:` imports go, and so does the last line that runs `main()` when
 * the file is executed by Node. irl-gridworld.ts is left out: it reads and
 * writes demonstration files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from './protocol.js';

export interface PlaygroundExample {
  /** File name without extension; other examples import it as './name.js'. */
  readonly name: string;
  readonly title: string;
  readonly source: string;
  /** Settings that differ from the page's defaults when the example is loaded. */
  readonly settings: Partial<Settings>;
  /** Lines added at the end, for an example whose model needs arguments. */
  readonly append?: string;
}

/** The examples offered, in the menu's order; the first is the flagship. */
export const EXAMPLE_MENU: readonly Omit<PlaygroundExample, 'source'>[] = [
  { name: 'slippery-gridworld', title: 'Slippery cliff walk (the flagship)', settings: {} },
  { name: 'sutton-barto-gridworld', title: 'Sutton–Barto gridworld (V*, π*, γ = 0.9)', settings: { exportName: 'gridworld', backup: 'fixed-dynamics' } },
  {
    name: 'lottery',
    title: 'Lottery: the optimistic posterior gambles',
    settings: {},
    append: "\n// Added by the playground: the model it runs (change α with the page's control).\nexport default lottery(1);\n",
  },
  { name: 'learning-gridworld', title: 'Learning gridworld (soft Q-learning)', settings: { engine: 'softQLearning', steps: 5000 } },
  { name: 'point-mass', title: 'Point mass (continuous state, SMC)', settings: { exportName: 'pointMass', engine: 'importance', particles: 500 } },
];

/** The page's copy of an example's text (see the file's comment); throws if Node-only code is left. */
export function adaptExample(name: string, text: string): string {
  const lines = text
    // '../src/index.js' is the package's root; '../src/<sub>/index.js' its subpath './<sub>'.
    .replace(/from '\.\.\/src\/index\.js'/g, "from 'control-as-inference'")
    .replace(/from '\.\.\/src\/([\w-]+)\/index\.js'/g, "from 'control-as-inference/$1'")
    .split('\n')
    .filter((line) => !/^import .* from 'node:[\w/]+';$/.test(line) && !/^if \(process\.argv\[1\]/.test(line));
  const adapted = lines.join('\n');
  const left = /node:|process\.|import\.meta|\.\.\/src\//.exec(adapted);
  if (left !== null) throw new Error(`dsl-examples/${name}.ts: '${left[0]}' is left after adapting it for the page; the playground cannot run Node-only code`);
  return adapted;
}

/** The examples, read from `dsl-examples/` under the repository root. */
export function playgroundExamples(root: string): PlaygroundExample[] {
  return EXAMPLE_MENU.map((e) => ({ ...e, source: adaptExample(e.name, readFileSync(join(root, 'dsl-examples', `${e.name}.ts`), 'utf8')) + (e.append ?? '') }));
}
