/**
 * The storage seam (Drain3's persistence-handler idea): everything that touches the lake goes through
 * this small interface, with a local-directory adapter for laptops, S3 for production/MinIO, and an
 * in-memory one for fast tests. Keys are '/'-separated and relative to the store's root.
 */
export interface ObjectStore {
  /** The URI this store was opened from, without credentials (safe to log). */
  readonly uri: string;
  get(key: string): Promise<Uint8Array>;
  /** undefined when the key does not exist. */
  getOptional(key: string): Promise<Uint8Array | undefined>;
  /** Writes the whole object; readers never see a partial object. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** All keys under a prefix (recursive), sorted. */
  list(prefix: string): Promise<string[]>;
  delete(keys: readonly string[]): Promise<void>;
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
