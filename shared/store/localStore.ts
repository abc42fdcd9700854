import type { Dirent } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ObjectStore } from './objectStore';
import { BadInputError } from '../errors';

/** A local directory as the lake. Writes go to a temp file and are renamed, so they are atomic. */
export function createLocalStore(rootDir: string): ObjectStore {
  const root = resolve(rootDir);
  const pathOf = (key: string) => {
    const p = resolve(root, key);
    if (p !== root && !p.startsWith(root + sep)) throw new BadInputError(`key escapes the lake root: ${key}`);
    return p;
  };
  async function walk(dir: string): Promise<string[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: string[] = [];
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) out.push(...(await walk(full)));
      else if (!e.name.startsWith('.tmp-')) out.push(relative(root, full).split(sep).join('/'));
    }
    return out;
  }
  return {
    uri: `file://${root}/`,
    async get(key) {
      try {
        return new Uint8Array(await readFile(pathOf(key)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BadInputError(`object not found: ${pathOf(key)}`, { cause: err });
        throw err;
      }
    },
    async getOptional(key) {
      try {
        return new Uint8Array(await readFile(pathOf(key)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async put(key, bytes) {
      const target = pathOf(key);
      await mkdir(dirname(target), { recursive: true });
      const tmp = join(dirname(target), `.tmp-${randomUUID()}`);
      await writeFile(tmp, bytes);
      await rename(tmp, target);
    },
    async list(prefix) {
      // Walk only the deepest directory the prefix names, then filter by the remainder.
      const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      const keys = await walk(pathOf(dirPart));
      return keys.filter((k) => k.startsWith(prefix)).sort();
    },
    async delete(keys) {
      await Promise.all(keys.map((k) => rm(pathOf(k), { force: true })));
    },
  };
}
