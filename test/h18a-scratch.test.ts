import { it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { action, categorical, compile, factorDependencies, horizon, model, optimality, state, transition } from '../src/index.js';
it('x', () => {
  const N = 100;
  const m = model(
    state('x', Array.from({ length: N }, (_, i) => i), { initial: 0 }),
    state('y', Array.from({ length: N * 10 }, (_, i) => i), { initial: 0 }),
    action('a', ['l', 'r', 'u', 'd']),
    transition('x', (s: { x: number; y: number }, a: string) => categorical([[Math.min(N - 1, s.x + (a === 'r' ? 1 : 0)), 0.9], [s.x, 0.1]])),
    transition('y', (s: { x: number; y: number }) => categorical([[s.y, 1]])),
    optimality((s: { x: number; y: number }, a: string) => (a === 'l' ? -1 : 0) - s.x * 0.01),
    horizon(5),
  );
  let t = performance.now();
  const g = compile(m);
  const compileMs = performance.now() - t;
  t = performance.now();
  const d = factorDependencies(g);
  const depMs = performance.now() - t;
  writeFileSync('/tmp/h18a/time.json', JSON.stringify({ nS: g.nS, compileMs, depMs, d }));
}, 60000);
