/**
 * Grid layouts from the command line, for models whose file gives none (or a
 * wrong one): `--layout grid:8x4` puts the states on an 8 × 4 grid row by row
 * in the order the compiler numbers them, and `--var x,y` places each state by
 * two fields of its record (the variables of a factored state, or the fields
 * of a record-valued one), each field's values in ascending order. A layout is
 * only a drawing hint: it changes the pictures, never a number.
 */
import { InvalidArgumentError } from 'commander';
import { freeze } from '../dsl/freeze.js';
import { indexDomain, productDomain } from '../compile/domain.js';
import { show } from '../errors.js';
import type { GridLayout, Model, Part, StatePart } from '../types/model.js';
import { UsageError } from './io.js';

/** `grid:8x4` → { width: 8, height: 4 }. */
export function gridSpec(value: string): { readonly width: number; readonly height: number } {
  const m = /^grid:(\d+)x(\d+)$/.exec(value.trim());
  const width = m === null ? NaN : Number(m[1]);
  const height = m === null ? NaN : Number(m[2]);
  if (!(width >= 1 && height >= 1 && Number.isSafeInteger(width * height))) throw new InvalidArgumentError(`expected grid:WIDTHxHEIGHT with positive integers, e.g. grid:8x4, got '${value}'`);
  return { width, height };
}

/** `x,y` → ['x', 'y']; `x` → ['x'] (one row). */
export function variableSpec(value: string): readonly string[] {
  const names = value.split(',').map((n) => n.trim());
  if (names.length < 1 || names.length > 2 || names.some((n) => n === '')) throw new InvalidArgumentError(`expected one or two field names separated by a comma, e.g. x,y, got '${value}'`);
  return names;
}

export interface LayoutFlags {
  readonly layout?: { readonly width: number; readonly height: number };
  readonly var?: readonly string[];
}

/** The model with the layout the flags ask for on its state (replacing any the file gives); unchanged without them. */
export function withLayout(m: Model<unknown, unknown>, flags: LayoutFlags): Model<unknown, unknown> {
  if (flags.layout === undefined && flags.var === undefined) return m;
  if (flags.layout !== undefined && flags.var !== undefined) throw new UsageError('give --layout or --var, not both');
  const states = m.parts.filter((p): p is StatePart => p.kind === 'state');
  if (states.length === 0 || m.parts.some((p) => p.kind === 'simulated-state')) {
    throw new UsageError(`${flags.layout !== undefined ? '--layout' : '--var'} applies to states with a finite domain; this model has a state.simulated(...) part, which has no cells to place`);
  }
  const factored = states.length > 1;
  // The compiler's numbering: variables in name order, the first varying slowest (src/compile/compile.ts).
  const sorted = [...states].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const variables = sorted.map((s) => indexDomain(s.name, s.domain));
  const domain = factored ? productDomain(variables, states.map((s) => s.name)) : variables[0]!;
  const layout = flags.layout !== undefined ? gridLayout(flags.layout, domain) : fieldLayout(flags.var!, domain.values);
  const first = states[0]!;
  const parts = m.parts.map((p): Part => {
    if (p.kind !== 'state') return p;
    const { layout: _drop, ...rest } = p;
    return freeze(p === first ? { ...rest, layout } : rest) as Part;
  });
  return freeze({ ...m, parts: freeze(parts) });
}

function gridLayout(size: { readonly width: number; readonly height: number }, domain: { readonly size: number; indexOf(v: unknown): number }): GridLayout<unknown> {
  if (size.width * size.height < domain.size) {
    throw new UsageError(`--layout grid:${size.width}x${size.height} has ${size.width * size.height} cells for ${domain.size} states; give at least ${domain.size} cells (e.g. grid:${size.width}x${Math.ceil(domain.size / size.width)})`);
  }
  return { width: size.width, height: size.height, cellOf: (s) => {
    const i = domain.indexOf(s);
    return i < 0 ? undefined : { x: i % size.width, y: Math.floor(i / size.width) };
  } };
}

function fieldLayout(names: readonly string[], values: readonly unknown[]): GridLayout<unknown> {
  const sample = values[0];
  const fields = typeof sample === 'object' && sample !== null && !Array.isArray(sample) ? Object.keys(sample) : [];
  const missing = names.find((n) => !fields.includes(n));
  if (missing !== undefined) {
    throw new UsageError(
      fields.length === 0
        ? `--var ${names.join(',')}: the states are not records (e.g. ${show(sample)}), so there are no fields to place them by; use --layout grid:WIDTHxHEIGHT`
        : `--var ${names.join(',')}: the states have no field '${missing}'; their fields are ${fields.join(', ')}`,
    );
  }
  // Each field's distinct values in ascending order (numbers by value, others as text) become columns and rows.
  const axes = names.map((n) => {
    const distinct = [...new Map(values.map((v) => [key((v as Record<string, unknown>)[n]), (v as Record<string, unknown>)[n]])).entries()];
    distinct.sort(([ka, a], [kb, b]) => (typeof a === 'number' && typeof b === 'number' ? a - b : ka < kb ? -1 : ka > kb ? 1 : 0));
    return new Map(distinct.map(([k], i) => [k, i]));
  });
  const [across, down] = [axes[0]!, axes[1]];
  return {
    width: across.size,
    height: down?.size ?? 1,
    cellOf: (s) => {
      const r = s as Record<string, unknown>;
      return { x: across.get(key(r[names[0]!]))!, y: down === undefined ? 0 : down.get(key(r[names[1]!]))! };
    },
  };
}

function key(v: unknown): string {
  return typeof v === 'string' ? `s:${v}` : JSON.stringify(v) ?? String(v);
}
