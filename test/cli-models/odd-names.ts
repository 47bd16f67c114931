/**
 * A model file for the DOT-escaping tests (issue 13): a factored state whose
 * variable names hold every character DOT treats specially — a quote, a
 * backslash (also last), braces, an arrow, a newline — and non-ASCII text.
 */
import { action, deterministic, horizon, model, optimality, state, transition } from '../../src/index.js';

export const NAMES = ['say "hi"', 'back\\slash\\', '{brace}', 'a->b', 'two\nlines', 'größe→漢字'] as const;

type S = Record<string, number>;
const parts = NAMES.flatMap((name, i) => [state(name, [0, 1], { initial: 0 }), transition(name, (s: S, a: string) => deterministic(a === 'flip' && i === 0 ? 1 - s[name]! : s[name]!))]);

export default model<S, string>(...(parts as never[]), action('do\\"', ['flip', 'stay']), optimality((s: S) => (s[NAMES[0]] === 1 ? 0 : -1)), horizon(2));
