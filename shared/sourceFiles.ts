import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { ObjectStore } from './store/objectStore';
import { openStore } from './store/openStore';
import { createLocalStore } from './store/localStore';
import { BadInputError } from './errors';

/**
 * Where ingest reads from: by default the lake's `landing/date=D/`; or `--source`, a local file or
 * directory, or an `s3://bucket/prefix`. Hidden files and markers (`_SUCCESS`) are skipped.
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

export async function listSource(source: string | undefined, lake: ObjectStore, date: string, forcePathStyle: boolean): Promise<SourceListing> {
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
  const path = source.replace(/^file:\/\//, '');
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new BadInputError(`--source ${source} does not exist`);
  if (info.isFile()) return { store: createLocalStore(dirname(path)), keys: [basename(path)], describe: path };
  const store = createLocalStore(path);
  return { store, keys: (await store.list('')).filter(isDataKey), describe: path };
}

const gunzipAsync = promisify(gunzip);

/**
 * A file's lines. gzip is detected by magic bytes, not by name: landing files are often misnamed.
 * Decompression runs on libuv's thread pool, so ingest can read the next file while it parses this one.
 */
export async function readLines(store: ObjectStore, key: string): Promise<string[]> {
  const bytes = await store.get(key);
  try {
    return await decodeLines(bytes);
  } catch (err) {
    throw new BadInputError(`${store.uri}${key} starts like gzip but does not decompress (${(err as Error).message}): replace or remove the file`, { cause: err });
  }
}

export async function decodeLines(bytes: Uint8Array): Promise<string[]> {
  const raw = bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? await gunzipAsync(bytes) : Buffer.from(bytes);
  const lines = raw.toString('utf8').split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop(); // the final newline ends a line, it doesn't start one
  return lines;
}
