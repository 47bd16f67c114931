/**
 * Malformed options of the variational engine and its families (issue 3):
 * each error names the option (or the state, action and expected length)
 * and carries a stable code. Also `textPlot`, which draws the ELBO traces.
 */
import { describe, expect, it } from 'vitest';
import {
  action,
  deterministic,
  discount,
  exact,
  horizon,
  infer,
  linearSoftmax,
  model,
  optimality,
  sampler,
  state,
  tabularSoftmax,
  temperature,
  textPlot,
  transition,
  variational,
  variationalFit,
  type Part,
  type PolicyFamily,
} from '../src/index.js';

/** A corridor 0 … 3, 'right' moves on, reward −1 until cell 3. */
const corridor = (...extra: Part<number, string>[]) =>
  model<number, string>(
    state('cell', [0, 1, 2, 3], { initial: 0 }),
    action('move', ['left', 'right']),
    transition((s: number, a: string) => deterministic(a === 'right' ? Math.min(s + 1, 3) : Math.max(s - 1, 0))),
    optimality((s: number) => (s === 3 ? 0 : -1)),
    horizon(4),
    ...extra,
  );

const invalid = (message: string | RegExp) => expect.objectContaining({ code: 'option-invalid', part: 'variational()', message: typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message) });

describe('variational(): bad options name the option', () => {
  it('a negative or zero learning rate', () => {
    expect(() => variational({ learningRate: -0.1 })).toThrow(invalid('variational(): learningRate must be a positive finite number, got -0.1'));
    expect(() => variational({ learningRate: 0 })).toThrow(invalid('learningRate must be a positive finite number, got 0'));
    expect(() => variational({ learningRate: Infinity })).toThrow(invalid('learningRate'));
  });

  it('zero or fractional steps', () => {
    expect(() => variational({ steps: 0 })).toThrow(invalid('variational(): steps must be an integer ≥ 1, got 0'));
    expect(() => variational({ steps: 2.5 })).toThrow(invalid('steps must be an integer ≥ 1, got 2.5'));
  });

  it('a score-function run on zero samples', () => {
    expect(() => variational({ gradient: 'score-function', samples: 0 })).toThrow(invalid('variational(): samples must be an integer ≥ 1, got 0'));
    expect(() => variational({ gradient: 'score-function', evaluationSamples: 1 })).toThrow(invalid('evaluationSamples must be an integer ≥ 2, got 1'));
  });

  it('options that do not apply to the gradient in use', () => {
    expect(() => variational({ gradient: 'exact', samples: 10 })).toThrow(invalid("samples applies to gradient: 'score-function'"));
    expect(() => variational({ gradient: 'score-function', tolerance: 1e-6 })).toThrow(invalid('tolerance applies to the exact gradient'));
    // Decided at run time: the corridor has tables, so the gradient defaults to exact.
    expect(() => infer(corridor(), variational({ samples: 10 }))).toThrow(invalid("drop them or pass gradient: 'score-function'"));
    const simulated = model<number, string>(
      state('cell', [0, 1], { initial: 0 }),
      action('move', ['stay', 'go']),
      transition((s: number, a: string) => (a === 'go' ? sampler(() => 1 - s) : deterministic(s))),
      optimality(() => 0),
      horizon(2),
    );
    expect(() => infer(simulated, variational({ tolerance: 1e-6 }))).toThrow(invalid('tolerance applies to the exact gradient, but this model can only be simulated'));
  });

  it('unknown and misspelt options, bad kinds', () => {
    expect(() => variational({ learningrate: 0.1 } as never)).toThrow(
      expect.objectContaining({ code: 'unknown-option', message: expect.stringContaining("variational(): unknown option 'learningrate' (did you mean 'learningRate'?)") }),
    );
    expect(() => variational({ optimizer: 'sgd' as never })).toThrow(invalid("optimizer must be 'adam' or 'gradient-ascent', got 'sgd'"));
    expect(() => variational({ gradient: 'reinforce' as never })).toThrow(invalid("gradient must be 'exact', 'score-function' or 'reparameterised', got 'reinforce'"));
    expect(() => variational({ family: {} as PolicyFamily })).toThrow(invalid('family must be a policy family'));
    expect(() => variational({ tolerance: -1 })).toThrow(invalid('tolerance must be a finite number ≥ 0, got -1'));
    expect(() => variational({ seed: NaN })).toThrow(invalid('seed must be a finite number or a string'));
    expect(() => variational({ onProgress: 3 as never })).toThrow(invalid('onProgress must be a function'));
    expect(() => tabularSoftmax({ timeindexed: true } as never)).toThrow(expect.objectContaining({ code: 'unknown-option', message: expect.stringContaining("tabularSoftmax(): unknown option 'timeindexed'") }));
    expect(() => tabularSoftmax({ timeIndexed: 'yes' as never })).toThrow(expect.objectContaining({ code: 'option-invalid', message: expect.stringContaining("timeIndexed must be true or false, got 'yes'") }));
    expect(() => linearSoftmax(3 as never)).toThrow(expect.objectContaining({ code: 'option-invalid', message: expect.stringContaining('linearSoftmax(): features must be a function') }));
  });

  it('features of the wrong length name the state, the action and the expected length', () => {
    const family = linearSoftmax((s: number, a: string) => (s === 2 && a === 'right' ? [1, 2, 3] : [1, 2]));
    expect(() => infer(corridor(), variational({ family }))).toThrow(
      expect.objectContaining({
        code: 'feature-invalid',
        part: 'linearSoftmax()',
        state: 2,
        action: 'right',
        message: "linearSoftmax(): φ(s=2, a='right') has length 3; expected 2 (the length of φ at the first state and action). Return the same number of features everywhere",
      }),
    );
    expect(() => infer(corridor(), variational({ family: linearSoftmax(() => [1, NaN]) }))).toThrow(expect.objectContaining({ code: 'feature-invalid', message: expect.stringContaining('[1] is NaN') }));
    expect(() => infer(corridor(), variational({ family: linearSoftmax(() => []) }))).toThrow(expect.objectContaining({ code: 'feature-invalid', message: expect.stringContaining('φ has length 0') }));
    const boom = linearSoftmax((s: number) => {
      if (s === 1) throw new Error('boom');
      return [s];
    });
    expect(() => infer(corridor(), variational({ family: boom }))).toThrow(expect.objectContaining({ code: 'function-threw', state: 1, message: expect.stringContaining("features threw at s=1, a='left': boom") }));
  });

  it('models the engine cannot fit: infinite horizon, α = 0, a diverging optimiser', () => {
    const infinite = model<number, string>(
      state('cell', [0, 1], { initial: 0 }),
      action('move', ['stay', 'go']),
      transition((s: number, a: string) => deterministic(a === 'go' ? 1 : s)),
      optimality((s: number) => (s === 1 ? 0 : -1)),
      discount(0.9),
    );
    expect(() => infer(infinite, variational())).toThrow(expect.objectContaining({ code: 'horizon-invalid', message: expect.stringContaining('Give horizon(T)') }));
    expect(() => infer(corridor(temperature(0)), variational())).toThrow(expect.objectContaining({ code: 'temperature-invalid', message: expect.stringContaining('temperature(0)') }));
    // Non-finite logits (here from a family; likewise from a diverging optimiser) stop the fit, naming where.
    const broken: PolicyFamily<number, string> = {
      name: 'broken',
      bind: () => ({
        size: 1,
        init: (params) => params.fill(0),
        logits: (_params, s, _t, out) => out.fill(s === 2 ? NaN : 0),
        accumulate: () => undefined,
      }),
    };
    expect(() => infer(corridor(), variational({ family: broken, steps: 3 }))).toThrow(
      expect.objectContaining({ code: 'not-converged', message: expect.stringMatching(/logits at s=2, t=2 are not finite .* lower learningRate \(now 0\.1\)/) }),
    );
  });

  it('a huge learning rate drives q to a corner but the ELBO stays a lower bound (no cancellation of huge logits)', () => {
    // Regression: with logits ~1e300, V = Σ q (r − ℓ) + log Σ p e^ℓ cancelled to exactly 0 > log Z.
    const m = corridor();
    const logZ = infer(m, exact()).logEvidence;
    const fit = variationalFit(infer(m, variational({ optimizer: 'gradient-ascent', learningRate: 1e300, steps: 5 })));
    for (const value of fit.elbo) expect(value).toBeLessThanOrEqual(logZ + 1e-12);
  });
});

describe('textPlot', () => {
  it('draws a rising curve from the bottom-left to the top-right, with the range on the axis', () => {
    const values = Array.from({ length: 31 }, (_, i) => i / 30);
    const lines = textPlot(values, { width: 31, height: 5, title: 'rise' }).split('\n');
    expect(lines[0]).toBe('rise');
    expect(lines).toHaveLength(1 + 5 + 2);
    const rows = lines.slice(1, 6);
    // Labels with two digits: the rows are 0.25 apart.
    expect(rows[0]).toMatch(/^1\.00 ┤ +\*+$/);
    expect(rows[2]).toMatch(/^0\.50 ┤ +\*+$/);
    expect(rows[4]).toMatch(/^0\.00 ┤\*+$/);
    // Every column holds a mark (the curve is joined).
    for (let col = 0; col < 31; col++) expect(rows.some((r) => r.slice(6)[col] === '*')).toBe(true);
    expect(lines[6]).toBe(`     └${'─'.repeat(31)}`);
    expect(lines[7]!.trim()).toMatch(/^0 +30$/);
  });

  it('several series get their own marks and a legend; gaps for non-finite values', () => {
    const text = textPlot(
      [
        { label: 'ELBO', values: [0, 1, 2, NaN, 4] },
        { label: 'log Z', values: [4, 4, 4, 4, 4] },
      ],
      { width: 5, height: 3 },
    );
    expect(text.split('\n').at(-1)).toBe('* ELBO   o log Z');
    expect(text.split('\n')[0]).toMatch(/^4\.0 ┤o+/);
  });

  it('refuses a plot with nothing to show', () => {
    expect(() => textPlot([], {})).toThrow(expect.objectContaining({ code: 'option-invalid', message: expect.stringContaining('nothing to plot') }));
    expect(() => textPlot([NaN, Infinity])).toThrow(expect.objectContaining({ message: expect.stringContaining('no finite value') }));
    expect(() => textPlot([1, 2], { width: 1 })).toThrow(expect.objectContaining({ message: expect.stringContaining('width must be an integer ≥ 2, got 1') }));
  });
});
