/**
 * One benchmarked process: wall time, its last stdout line (the JSON result) and peak RSS of the
 * whole process tree. GNU time's %M is the peak of the largest single process; a PySpark job is
 * Python plus a JVM it starts, so the tree's summed RSS is also sampled from /proc (every 100 ms)
 * and the larger of the two is reported.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

export interface ProcessRun {
  seconds: number;
  result: Record<string, number>;
  peakRssMb: number;
}

const PAGE_BYTES = 4096;
const SAMPLE_MS = 100;

function treeRssBytes(pid: number): number {
  try {
    const rss = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_BYTES;
    let children = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean)) {
        children += treeRssBytes(Number(child));
      }
    }
    return rss + children;
  } catch {
    return 0; // the process ended between listing and reading
  }
}

export function runProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ProcessRun> {
  const hasTime = existsSync('/usr/bin/time');
  const [file, argv] = hasTime ? ['/usr/bin/time', ['-f', 'maxrss_kb=%M', command, ...args]] : [command, [...args]];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-20_000);
    });
    let sampledPeak = 0;
    const sampler = setInterval(() => {
      if (child.pid) sampledPeak = Math.max(sampledPeak, treeRssBytes(child.pid));
    }, SAMPLE_MS);
    child.on('error', (err) => {
      clearInterval(sampler);
      reject(err);
    });
    child.on('close', (code) => {
      clearInterval(sampler);
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) {
        reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-1500)}`));
        return;
      }
      const maxRssKb = Number(/maxrss_kb=(\d+)/.exec(stderr)?.[1] ?? 0);
      const peakRssMb = Math.max(maxRssKb / 1024, sampledPeak / 1024 / 1024) || Number.NaN;
      try {
        resolve({ seconds, result: JSON.parse(stdout.trim().split('\n').pop() ?? ''), peakRssMb });
      } catch (err) {
        reject(new Error(`${command} ${args.join(' ')}: last stdout line is not JSON: ${stdout.slice(-500)}`, { cause: err }));
      }
    });
  });
}
