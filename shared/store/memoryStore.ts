import type { ObjectStore } from './objectStore';
import { BadInputError } from '../errors';

/** For tests of commands that need a store but not a real one. */
export function createMemoryStore(uri = 'memory://'): ObjectStore & { objects: Map<string, Uint8Array> } {
  const objects = new Map<string, Uint8Array>();
  return {
    uri,
    objects,
    async get(key) {
      const v = objects.get(key);
      if (!v) throw new BadInputError(`object not found: ${uri}${key}`);
      return v;
    },
    async getOptional(key) {
      return objects.get(key);
    },
    async put(key, bytes) {
      objects.set(key, new Uint8Array(bytes));
    },
    async list(prefix) {
      return [...objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    },
    async delete(keys) {
      for (const k of keys) objects.delete(k);
    },
  };
}
