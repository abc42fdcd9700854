import { createHash } from 'node:crypto';
import type { PrefetchingBlob } from './rangedBlob';

/**
 * The storage seam (Drain3's persistence-handler idea): everything that touches the lake goes through
 * this small interface, with a local-directory adapter for laptops, S3 for production/MinIO, and an
 * in-memory one for fast tests. Keys are '/'-separated and relative to the store's root.
 */
export interface ObjectStore {
  /** The URI this store was opened from, without credentials (safe to log). */
  readonly uri: string;
  get(key: string): Promise<Uint8Array>;
  /**
   * Optional: `get` into memory the caller gives. `into` is called once, with the object's size,
   * and returns a view of exactly that many bytes; the object is read into it and that view is
   * returned. A step that reads many parts one after another (parse's Bronze parts) reads them
   * into the same few buffers: a new buffer per part, freed only when the garbage collector got
   * to it, made parse's resident memory grow with the number of parts (docs/decisions.md 106).
   * BadInputError naming the object when it does not exist; an error when it changed size while read.
   */
  getInto?(key: string, into: (size: number) => Uint8Array): Promise<Uint8Array>;
  /** undefined when the key does not exist. */
  getOptional(key: string): Promise<Uint8Array | undefined>;
  /** Writes the whole object; readers never see a partial object. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** All keys under a prefix (recursive), sorted. */
  list(prefix: string): Promise<string[]>;
  delete(keys: readonly string[]): Promise<void>;
  /** All objects under a prefix with their last-modified time, sorted by key (for grace-period cleanup). */
  listModified(prefix: string): Promise<{ key: string; modified: Date }[]>;
  /** The object and an opaque version token (the S3 ETag; a content hash elsewhere); undefined when absent. */
  getVersioned(key: string): Promise<{ bytes: Uint8Array; version: string } | undefined>;
  /**
   * Compare-and-swap: writes only if the object's current version is `expected` (undefined: only if
   * the key does not exist). Returns false, writing nothing, when another writer changed it first.
   */
  putIfVersion(key: string, bytes: Uint8Array, expected: string | undefined): Promise<boolean>;
  /**
   * Optional: the object as a Blob whose bytes are read when a reader asks for them (a local file
   * where it lies; on S3 by ranged GETs of the version first seen), so a reader that needs only
   * some byte ranges (a Parquet projection) never holds the whole object in memory. `prepare`, for a
   * store that fetches over the network: called with the blob (its tail already read) to fetch
   * ahead the ranges the reader will want, so a failed fetch rejects here (see PrefetchingBlob);
   * stores reading local files skip it. BadInputError naming the object when it does not exist.
   */
  openBlob?(key: string, prepare?: (blob: PrefetchingBlob) => Promise<void>): Promise<Blob>;
}

/** The version token of stores without a native one: a digest of the content. */
export function contentVersion(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function joinKey(...parts: string[]): string {
  return parts
    .filter((p) => p !== '')
    .map((p, i) => (i === 0 ? p.replace(/\/+$/, '') : p.replace(/^\/+|\/+$/g, '')))
    .join('/');
}

export async function getJson<T>(store: ObjectStore, key: string): Promise<T | undefined> {
  const bytes = await store.getOptional(key);
  return bytes === undefined ? undefined : (JSON.parse(Buffer.from(bytes).toString('utf8')) as T);
}

export async function putJson(store: ObjectStore, key: string, value: unknown): Promise<void> {
  await store.put(key, Buffer.from(JSON.stringify(value, null, 2) + '\n', 'utf8'));
}
