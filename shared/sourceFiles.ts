import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isUtf8 } from 'node:buffer';
import { constants as zlibConstants, createGunzip, gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { ObjectStore } from './store/objectStore';
import { openStore } from './store/openStore';
import { createLocalStore } from './store/localStore';
import { BadInputError } from './errors';

/**
 * Where ingest reads from: by default the lake's `landing/date=D/`; or `--source`, an
 * `s3://bucket/prefix`, or a local file or directory under one of the allowed roots (`sourceRoots`,
 * default the local lake's landing zone). Hidden files and markers (`_SUCCESS`) are skipped.
 */
export interface SourceListing {
  readonly store: ObjectStore;
  readonly keys: readonly string[];
  readonly describe: string;
}

const isDataKey = (k: string) => {
  const name = k.slice(k.lastIndexOf('/') + 1);
  return name !== '' && !name.startsWith('_') && !name.startsWith('.') && !name.endsWith('.json') && !name.endsWith('.labels.json');
};

export interface SourceRules {
  forcePathStyle: boolean;
  /** The lake URI (its landing zone is the default root) and the configured roots, if any. */
  lake: string;
  sourceRoots?: readonly string[];
}

/** The local directories a `--source` may be under: the configured roots, else a local lake's landing zone. */
export function allowedSourceRoots(rules: Pick<SourceRules, 'lake' | 'sourceRoots'>): string[] {
  if (rules.sourceRoots) return rules.sourceRoots.map((r) => resolve(r.replace(/^file:\/\//, '')));
  if (/^(s3|memory):\/\//.test(rules.lake)) return [];
  const lakePath = rules.lake.startsWith('file://.')
    ? rules.lake.slice('file://'.length)
    : rules.lake.startsWith('file://')
      ? fileURLToPath(rules.lake)
      : rules.lake;
  return [resolve(lakePath, 'landing')];
}

const isUnder = (path: string, root: string) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

/** A local `--source` resolved through symlinks, or BadInputError (exit 2) when it is outside every allowed root. */
async function checkLocalSource(source: string, path: string, roots: readonly string[]): Promise<string> {
  const refuse = () =>
    new BadInputError(
      `--source ${source} is outside the allowed source roots (${roots.length ? roots.join(', ') : 'none: the lake is not a local directory'}): ` +
        'use an s3:// URI, a path under one of those roots, or add a directory to SENTINEL_SOURCE_ROOTS',
    );
  const lexical = resolve(path);
  if (!roots.some((r) => isUnder(lexical, r))) throw refuse();
  const real = await realpath(lexical).catch(() => undefined);
  if (!real) throw new BadInputError(`--source ${source} does not exist`);
  const realRoots = await Promise.all(roots.map((r) => realpath(r).catch(() => r)));
  if (!realRoots.some((r) => isUnder(real, r))) throw refuse(); // a symlink out of the root
  return real;
}

export async function listSource(source: string | undefined, lake: ObjectStore, date: string, rules: SourceRules): Promise<SourceListing> {
  const { forcePathStyle } = rules;
  if (!source) {
    const prefix = `landing/date=${date}/`;
    return { store: lake, keys: (await lake.list(prefix)).filter(isDataKey), describe: `${lake.uri}${prefix}` };
  }
  if (source.startsWith('s3://')) {
    const [, bucket, ...rest] = /^s3:\/\/([^/]+)\/?(.*)$/.exec(source) ?? [];
    if (!bucket) throw new BadInputError(`--source ${source}: expected s3://bucket/prefix`);
    const store = openStore(`s3://${bucket}`, { forcePathStyle });
    return { store, keys: (await store.list(rest.join('/'))).filter(isDataKey), describe: source };
  }
  const path = await checkLocalSource(source, source.replace(/^file:\/\//, ''), allowedSourceRoots(rules));
  const info = await stat(path);
  if (info.isFile()) return { store: createLocalStore(dirname(path)), keys: [basename(path)], describe: path };
  const store = createLocalStore(path);
  return { store, keys: (await store.list('')).filter(isDataKey), describe: path };
}

const gunzipAsync = promisify(gunzip);

/** A file's lines; `invalidUtf8` maps a line's index (0-based) to the byte offset in it where UTF-8 decoding fails. */
export interface DecodedLines {
  readonly lines: string[];
  readonly invalidUtf8: ReadonlyMap<number, number>;
}

/**
 * A file's lines. gzip is detected by magic bytes, not by name: landing files are often misnamed.
 * Decompression runs on libuv's thread pool, so ingest can read the next file while it parses this one.
 * Invalid UTF-8 is reported per line (ingest quarantines those lines) rather than silently replaced.
 */
export async function readLines(store: ObjectStore, key: string): Promise<DecodedLines> {
  return decodeChecked(await readBytes(store, key));
}

/** A file's bytes, decompressed (ingest reads well-formed UTF-8 lines from them without a string per line). */
export async function readBytes(store: ObjectStore, key: string): Promise<Buffer> {
  const bytes = await store.get(key);
  try {
    return await decompress(bytes);
  } catch (err) {
    throw new BadInputError(`${store.uri}${key} starts like gzip but does not decompress (${(err as Error).message}): replace or remove the file`, {
      cause: err,
    });
  }
}

/**
 * A file's bytes, decompressed, as pieces that each hold whole lines (cut after an LF; the last
 * piece ends where the file ends). A gzip file is decompressed as a stream, so the first piece is
 * there after about `chunkBytes` of output instead of after the whole file: ingest reads its first
 * file this way and parses while the rest inflates. A file with no bytes gives one empty piece.
 */
export async function* readLinePieces(store: ObjectStore, key: string, chunkBytes = 4 << 20): AsyncGenerator<Buffer> {
  const raw = await store.get(key);
  const chunks: AsyncIterable<Buffer> | Buffer[] =
    raw.length > 2 && raw[0] === 0x1f && raw[1] === 0x8b ? gunzipStream(raw, chunkBytes) : [Buffer.from(raw.buffer, raw.byteOffset, raw.length)];
  let carry: Buffer | undefined;
  let pieces = 0;
  try {
    for await (const chunk of chunks) {
      let from = 0;
      if (carry) {
        // The line that spans the cut: its start (carry) and its end in this chunk, joined.
        const lf = chunk.indexOf(0x0a);
        if (lf < 0) {
          carry = Buffer.concat([carry, chunk]);
          continue;
        }
        pieces++;
        yield Buffer.concat([carry, chunk.subarray(0, lf + 1)]);
        carry = undefined;
        from = lf + 1;
      }
      const cut = chunk.lastIndexOf(0x0a) + 1;
      if (cut > from) {
        pieces++;
        yield chunk.subarray(from, cut);
      }
      if (cut < chunk.length) carry = chunk.subarray(Math.max(cut, from));
    }
  } catch (err) {
    throw new BadInputError(`${store.uri}${key} starts like gzip but does not decompress (${(err as Error).message}): replace or remove the file`, {
      cause: err,
    });
  }
  if (carry || pieces === 0) yield carry ?? Buffer.alloc(0);
}

async function* gunzipStream(raw: Uint8Array, chunkBytes: number): AsyncGenerator<Buffer> {
  const inflater = createGunzip({ chunkSize: chunkBytes });
  inflater.end(raw);
  // Node gives a stream's chunks as they are read; zlib's output chunks are `chunkBytes` each.
  for await (const chunk of inflater) yield chunk as Buffer;
}

/** Lines as text, invalid UTF-8 replaced with U+FFFD (for tools that only look, such as `templates`). */
export async function decodeLines(bytes: Uint8Array): Promise<string[]> {
  return decodeChecked(await decompress(bytes)).lines;
}

async function decompress(bytes: Uint8Array): Promise<Buffer> {
  if (!(bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b)) return Buffer.from(bytes);
  return await gunzipAsync(bytes, { chunkSize: outputChunkSize(bytes) });
}

/**
 * zlib's output chunk for a gzip file: its decompressed size (the trailer's ISIZE, the size mod 2^32
 * of the last member) plus one, so that the whole output is one chunk, decompressed in one go on the
 * thread pool, and handed over without Buffer.concat (16 KB chunks cost ~3,500 callbacks and a copy
 * of the whole output per 50 MB file). Only a hint: a wrong ISIZE (several members, over 4 GB)
 * gives more chunks, the same bytes.
 */
function outputChunkSize(bytes: Uint8Array): number {
  const n = bytes.length;
  const isize = n >= 18 ? (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0 : 0;
  // Deflate expands at most 1032:1, so a larger claimed size (a damaged or hostile trailer) does not reserve memory.
  return Math.min(Math.max(isize + 1, zlibConstants.Z_DEFAULT_CHUNK), MAX_CHUNK, Math.max(n * 1032, zlibConstants.Z_DEFAULT_CHUNK));
}
const MAX_CHUNK = 1 << 30;

/** Bytes → lines (split at LF or CRLF), with the lines that are not well-formed UTF-8. */
export function decodeChecked(raw: Buffer): DecodedLines {
  const lines = raw.toString('utf8').split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop(); // the final newline ends a line, it doesn't start one
  const invalidUtf8 = new Map<number, number>();
  if (isUtf8(raw)) return { lines, invalidUtf8 }; // the fast path: almost every file
  let start = 0;
  for (let i = 0; start < raw.length; i++) {
    let end = raw.indexOf(0x0a, start);
    if (end < 0) end = raw.length;
    const bad = firstInvalidUtf8(raw, start, end > start && raw[end - 1] === 0x0d ? end - 1 : end);
    if (bad >= 0) invalidUtf8.set(i, bad - start);
    start = end + 1;
  }
  return { lines, invalidUtf8 };
}

/** The index of the first byte in [from, to) that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; ) {
    const c = b[i];
    const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n === 0 || i + n > to) return i;
    for (let k = 1; k < n; k++) if ((b[i + k] & 0xc0) !== 0x80) return i;
    // Overlong forms, surrogates and code points past U+10FFFF.
    if ((c === 0xe0 && b[i + 1] < 0xa0) || (c === 0xed && b[i + 1] > 0x9f) || (c === 0xf0 && b[i + 1] < 0x90) || (c === 0xf4 && b[i + 1] > 0x8f)) return i;
    i += n;
  }
  return -1;
}
