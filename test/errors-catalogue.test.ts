/**
 * docs/errors.md, row by row (issue 6, RELIABILITY 17): every malformed input
 * of the catalogue (test/helpers/malformed.ts, 91 entries) throws a CaiError
 * with one issue, the stated code and exactly the stated message; and the
 * page's tables list exactly the catalogue's rows — same ids, inputs, codes
 * and messages — so a change to either without the other fails here.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CaiError } from '../src/index.js';
import { MALFORMED } from './helpers/malformed.js';

interface DocRow {
  readonly id: string;
  readonly input: string;
  readonly code: string;
  readonly message: string;
}

/** Rows `| E01 | input | `code` | `message` |` of every table in the page; `\|` is a literal pipe. */
function docRows(markdown: string): DocRow[] {
  return markdown
    .split('\n')
    .filter((line) => /^\| E\d+ \|/.test(line))
    .map((line) => {
      const cells = line
        .slice(1, line.trimEnd().length - 1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replace(/\\\|/g, '|'));
      if (cells.length !== 4) throw new Error(`docs/errors.md: a row with ${cells.length} cells: ${line}`);
      const unquote = (cell: string) => (cell.startsWith('`') && cell.endsWith('`') ? cell.slice(1, -1) : cell);
      return { id: cells[0]!, input: cells[1]!, code: unquote(cells[2]!), message: unquote(cells[3]!) };
    });
}

const page = readFileSync(fileURLToPath(new URL('../docs/errors.md', import.meta.url)), 'utf8');

describe(`the catalogue of malformed inputs (${MALFORMED.length} entries)`, () => {
  it('has at least 20 entries with unique ids', () => {
    expect(MALFORMED.length).toBeGreaterThanOrEqual(20);
    expect(new Set(MALFORMED.map((e) => e.id)).size).toBe(MALFORMED.length);
  });

  it.each(MALFORMED.map((e) => [e.id, e.input, e] as const))('%s %s: throws a CaiError with its code and message', (_id, _input, entry) => {
    let error: unknown;
    try {
      entry.run();
    } catch (e) {
      error = e;
    }
    expect(error, 'it must throw').toBeInstanceOf(CaiError);
    const e = error as CaiError;
    expect(e.name).toBe('CaiError');
    expect(e.code).toBe(entry.code);
    expect(e.message).toBe(entry.message);
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]!.code).toBe(entry.code);
  });
});

describe('docs/errors.md lists exactly the catalogue', () => {
  const rows = docRows(page);

  it('the same ids, in the same order', () => {
    expect(rows.map((r) => r.id)).toEqual(MALFORMED.map((e) => e.id));
  });

  it.each(MALFORMED.map((e) => [e.id, e] as const))('%s: the row gives the catalogue’s input, code and message', (id, entry) => {
    const row = rows.find((r) => r.id === id);
    expect(row, `docs/errors.md has no row ${id}`).toBeDefined();
    expect(row).toEqual({ id, input: entry.input, code: entry.code, message: entry.message });
  });

  it('the parser reads an escaped pipe as a pipe (the rows with p(·|s, a) depend on it)', () => {
    expect(docRows("| E99 | x | `c` | `p(·\\|s)` |")).toEqual([{ id: 'E99', input: 'x', code: 'c', message: 'p(·|s)' }]);
  });
});
