/**
 * The playground's Web Worker: runs the user's model off the page's thread,
 * so that a long run never freezes the page. The page cancels a run by
 * terminating this worker and starting a new one (an engine's loop has no
 * other way to be stopped). Progress reaches the page at most every 50 ms.
 */
import type { RunRequest, WorkerReply } from './protocol.js';
import { runModel, shownError } from './run-model.js';

const post = (reply: WorkerReply) => self.postMessage(reply);

self.onmessage = async (event: MessageEvent<RunRequest>) => {
  const request = event.data;
  let last = 0;
  const progress = (fraction: number, message: string) => {
    const now = performance.now();
    if (now - last < 50 && fraction < 1) return;
    last = now;
    post({ type: 'progress', id: request.id, fraction, message });
  };
  try {
    post({ type: 'result', id: request.id, result: await runModel(request, progress) });
  } catch (error) {
    post({ type: 'error', id: request.id, error: shownError(error, request.source, request.file) });
  }
};
