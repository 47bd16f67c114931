/**
 * An atomic write: the text goes to a temporary file in the same folder, which
 * is then renamed over the target (one step on one file system), so a full
 * disk or a crash leaves the old file whole rather than a truncated one.
 */
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Write `text` to `path` through a temporary file in the same folder and a rename (atomic on one file system). */
export function writeFileAtomic(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // nothing was left behind
    }
    throw error;
  }
}
