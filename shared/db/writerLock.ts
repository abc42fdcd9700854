import { open, readFile, rm } from 'node:fs/promises';
import { ExternalServiceError } from '../errors';

/**
 * The embedded database (PGlite) is one process's files: two processes opening it corrupt it for
 * good. `<dataDir>.lock`, created exclusively (O_EXCL) and holding the owner's pid, admits one process
 * at a time. A lock whose pid is no longer running was left by a crash and is taken over. Another
 * opener waits up to `waitMs`, then fails with the holder's pid.
 */
export interface WriterLock {
  release(): Promise<void>;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function acquireWriterLock(dataDir: string, waitMs: number): Promise<WriterLock> {
  const path = `${dataDir}.lock`;
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return { release: () => rm(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new ExternalServiceError(`cannot create the lock ${path}: ${(err as Error).message}`, { cause: err });
    }
    const pid = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(pid) && pid > 0 && !running(pid)) {
      await rm(path, { force: true }); // a crashed process's lock
      continue;
    }
    if (Date.now() >= deadline) {
      throw new ExternalServiceError(
        `the embedded database ${dataDir} is in use by pid ${Number.isNaN(pid) ? '(unknown)' : pid}: it admits one process at a time. ` +
          `Wait for that run to finish, or set DATABASE_URL to use PostgreSQL for concurrent runs. If no such process is running, delete ${path}.`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
