/**
 * A progress bar for long runs (variational steps, particles, IRL iterations),
 * drawn on stderr only when it is a terminal: piped or redirected output stays
 * free of control characters, and so does a test.
 */
import type { OutStream } from './io.js';

/** A bar that redraws at most every 1 % or 100 ms, and `done()` that clears its line. */
export interface ProgressBar {
  update(fraction: number, message: string): void;
  done(): void;
}

const WIDTH = 24;

/** A bar on `stream` when it is a TTY; otherwise undefined (the caller passes no progress callback). */
export function progressBar(stream: OutStream, now: () => number = Date.now): ProgressBar | undefined {
  if (stream.isTTY !== true) return undefined;
  let shown = -1;
  let last = 0;
  let drawn = false;
  return {
    update(fraction, message) {
      const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
      const percent = Math.floor(f * 100);
      const time = now();
      if (percent === shown && time - last < 100) return;
      shown = percent;
      last = time;
      const filled = Math.round(f * WIDTH);
      const columns = stream.columns ?? 80;
      const line = `[${'█'.repeat(filled)}${' '.repeat(WIDTH - filled)}] ${String(percent).padStart(3)}% ${message}`;
      stream.write(`\r${[...line].slice(0, Math.max(10, columns - 1)).join('')}\x1b[K`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
