/**
 * The page's state in the URL hash, so that a link restores the model and
 * its settings: `#v1.` + base64url(deflate-raw(JSON { code, settings })).
 * Deflate keeps a 9 KB example to a link of about 4 KB; CompressionStream is
 * built into browsers (and Node ≥ 18), so nothing is added to the page.
 */
import type { Settings } from './protocol.js';

export interface PageState {
  readonly code: string;
  readonly settings: Settings;
}

const PREFIX = 'v1.';

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** The hash (with its '#') that `decodeState` turns back into `state`. */
export async function encodeState(state: PageState): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(state));
  return `#${PREFIX}${toBase64Url(await pipe(json, new CompressionStream('deflate-raw')))}`;
}

/** The state a hash holds, or undefined when it holds none (an empty or foreign hash). Throws on a damaged one. */
export async function decodeState(hash: string): Promise<Partial<PageState> | undefined> {
  const body = hash.replace(/^#/, '');
  if (!body.startsWith(PREFIX)) return undefined;
  const json = new TextDecoder().decode(await pipe(fromBase64Url(body.slice(PREFIX.length)), new DecompressionStream('deflate-raw')));
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== 'object' || parsed === null) throw new Error('the link holds no page state');
  return parsed as Partial<PageState>;
}
