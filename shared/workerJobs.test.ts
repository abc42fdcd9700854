import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { startThreadEarly, WorkerJobs } from './workerJobs';

// Worker files of their own: a thread that answers with its id, and one that ends as it starts.
const dir = mkdtempSync(path.join(tmpdir(), 'worker-jobs-'));
const workerFile = (name: string, source: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, source);
  return pathToFileURL(file);
};
const answering = () =>
  workerFile(
    `answering-${Math.random().toString(36).slice(2)}.mjs`,
    "import { parentPort, threadId } from 'node:worker_threads';\nparentPort.on('message', ({ id }) => parentPort.postMessage({ id, threadId }));\n",
  );
const ending = workerFile('ending.mjs', 'process.exit(3);\n');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('WorkerJobs and threads started early', () => {
  it('takes the thread started early for its file', async () => {
    const url = answering();
    const early = startThreadEarly(url);
    const jobs = new WorkerJobs<{ id: number; threadId: number }>(url, 'test');
    const reply = await jobs.run((id) => ({ id }));
    expect(reply.threadId).toBe(early.threadId);
    await early.terminate();
  });

  it('starts its own thread when the one started early has ended, and reports how its own ended', async () => {
    const early = startThreadEarly(ending);
    await once(early, 'exit');
    const jobs = new WorkerJobs<{ id: number }>(ending, 'test');
    await expect(jobs.run((id) => ({ id }))).rejects.toThrow('test worker thread exited with code 3');
  });

  it('ends the thread started early when its file is wanted with other thread options', async () => {
    const url = answering();
    const early = startThreadEarly(url);
    const exited = once(early, 'exit');
    const jobs = new WorkerJobs<{ id: number; threadId: number }>(url, 'test', undefined, { options: { resourceLimits: { maxOldGenerationSizeMb: 64 } } });
    const reply = await jobs.run((id) => ({ id }));
    expect(reply.threadId).not.toBe(early.threadId);
    await exited;
  });
});
