/**
 * A test that writes to the console or emits a warning fails (RELIABILITY #18):
 * the library must stay quiet unless asked, and tests must assert, not print.
 * A test that means to capture output spies on the console itself.
 */
import { afterEach, beforeEach, vi } from 'vitest';

const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
let written: string[] = [];

beforeEach(() => {
  written = [];
  for (const method of methods) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      written.push(`console.${method}: ${args.map(String).join(' ')}`);
    });
  }
  process.removeAllListeners('warning');
  process.on('warning', (w) => written.push(`process warning: ${w.message}`));
});

afterEach(() => {
  vi.restoreAllMocks();
  if (written.length > 0) throw new Error(`the test wrote to the console:\n${written.join('\n')}`);
});
