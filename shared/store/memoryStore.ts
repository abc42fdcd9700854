import { contentVersion, type ObjectStore } from './objectStore';
import { BadInputError } from '../errors';

/** For tests of commands that need a store but not a real one. */
export function createMemoryStore(uri = 'memory://'): ObjectStore & { objects: Map<string, Uint8Array> } {
  const objects = new Map<string, Uint8Array>();
  const modified = new Map<string, Date>();
  return {
    uri,
    objects,
    async get(key) {
      const v = objects.get(key);
      if (!v) throw new BadInputError(`object not found: ${uri}${key}`);
      return v;
    },
    async getInto(key, into) {
      const v = objects.get(key);
      if (!v) throw new BadInputError(`object not found: ${uri}${key}`);
      const out = into(v.length);
      out.set(v);
      return out;
    },
    async getOptional(key) {
      return objects.get(key);
    },
    async put(key, bytes) {
      objects.set(key, new Uint8Array(bytes));
      modified.set(key, new Date());
    },
    async list(prefix) {
      return [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    },
    async delete(keys) {
      for (const k of keys) objects.delete(k);
    },
    async listModified(prefix) {
      return [...objects.keys()]
        .filter((k) => k.startsWith(prefix))
        .sort()
        .map((key) => ({ key, modified: modified.get(key) ?? new Date(0) }));
    },
    async getVersioned(key) {
      const bytes = objects.get(key);
      return bytes && { bytes, version: contentVersion(bytes) };
    },
    async putIfVersion(key, bytes, expected) {
      // Single-threaded: the check and the write cannot interleave with another writer.
      const current = objects.get(key);
      if ((current ? contentVersion(current) : undefined) !== expected) return false;
      objects.set(key, new Uint8Array(bytes));
      modified.set(key, new Date());
      return true;
    },
  };
}
