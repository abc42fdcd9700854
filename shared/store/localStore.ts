import { openAsBlob, type Dirent } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { randomUUID } from 'node:crypto';
import { contentVersion, type ObjectStore } from './objectStore';
import { BadInputError, ExternalServiceError } from '../errors';

/** A lock older than this was left by a crashed process: a compare-and-swap holds it for milliseconds. */
const STALE_LOCK_MS = 30_000;
const LOCK_WAIT_MS = 10_000;

/**
 * Runs `fn` holding `<dir>/.lock-<name>`, taken by exclusive create (O_EXCL), so that the read-compare-
 * rename of a compare-and-swap cannot interleave with another process's.
 */
async function withLock<T>(target: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dirname(target), `.lock-${basename(target)}`);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > STALE_LOCK_MS) await rm(lock, { force: true });
      else if (Date.now() > deadline)
        throw new ExternalServiceError(`lock ${lock} held for over ${LOCK_WAIT_MS / 1000} s; if no sentinel process is running, delete it`);
      else await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

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
      else if (!e.name.startsWith('.tmp-') && !e.name.startsWith('.lock-')) out.push(relative(root, full).split(sep).join('/'));
    }
    return out;
  }
  async function readOptional(path: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(path));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }
  async function list(prefix: string): Promise<string[]> {
    // Walk only the deepest directory the prefix names, then filter by the remainder.
    const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const keys = await walk(pathOf(dirPart));
    return keys.filter((k) => k.startsWith(prefix)).sort();
  }
  async function put(key: string, bytes: Uint8Array): Promise<void> {
    const target = pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const tmp = join(dirname(target), `.tmp-${randomUUID()}`);
    await writeFile(tmp, bytes);
    await rename(tmp, target);
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
    async getInto(key, into) {
      const path = pathOf(key);
      const file = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
        throw err.code === 'ENOENT' ? new BadInputError(`object not found: ${path}`, { cause: err }) : err;
      });
      try {
        const { size } = await file.stat();
        const out = into(size);
        let read = 0;
        while (read < size) {
          const { bytesRead } = await file.read(out, read, size - read, read);
          if (bytesRead === 0) break;
          read += bytesRead;
        }
        // Parts are written once (a temp file, then a rename): a short read is a file replaced under the reader.
        if (read !== size || (await file.stat()).size !== size)
          throw new ExternalServiceError(`${path} changed size while it was read (${size} bytes, then ${read}): another process replaced it; rerun this step.`);
        return out;
      } finally {
        await file.close();
      }
    },
    getOptional: (key) => readOptional(pathOf(key)),
    // No fetch ahead (`prepare`): the reader reads the ranges it needs from the file itself.
    async openBlob(key) {
      const path = pathOf(key);
      try {
        return await openAsBlob(path);
      } catch (err) {
        // Node's error here names no code: a missing file is told apart by stat.
        if (!(await stat(path).catch(() => undefined))) throw new BadInputError(`object not found: ${path}`, { cause: err });
        throw err;
      }
    },
    put,
    list,
    async delete(keys) {
      await Promise.all(keys.map((k) => rm(pathOf(k), { force: true })));
    },
    async listModified(prefix) {
      const keys = await list(prefix);
      const times = await Promise.all(
        keys.map((k) =>
          stat(pathOf(k)).then(
            (s) => s.mtime,
            () => undefined,
          ),
        ),
      );
      return keys.flatMap((key, i) => (times[i] ? [{ key, modified: times[i] }] : []));
    },
    async getVersioned(key) {
      const bytes = await readOptional(pathOf(key));
      return bytes && { bytes, version: contentVersion(bytes) };
    },
    async putIfVersion(key, bytes, expected) {
      const target = pathOf(key);
      await mkdir(dirname(target), { recursive: true });
      return withLock(target, async () => {
        const current = await readOptional(target);
        if ((current ? contentVersion(current) : undefined) !== expected) return false;
        await put(key, bytes);
        return true;
      });
    },
  };
}
