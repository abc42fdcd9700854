import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * `sentinel stream` as a separate process (the CLI a pod runs), so tests can kill -9 it, send it
 * SIGTERM, and read its /metrics.
 */
const BIN = resolve(__dirname, '../../bin/sentinel.mjs');

export interface StreamProcess {
  child: ChildProcess;
  port: number;
  stderr: () => string;
  metrics(): Promise<Map<string, number>>;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

export function startStream(args: string[], env: NodeJS.ProcessEnv, port: number): StreamProcess {
  const child = spawn(process.execPath, [BIN, 'stream', '--port', String(port), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdout!.resume();
  const exited = new Promise<number | string>((res) => child.once('exit', (code, signal) => res(code ?? signal ?? -1)));
  return {
    child,
    port,
    stderr: () => err,
    exited,
    async metrics() {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const out = new Map<string, number>();
      for (const line of text.split('\n')) {
        const m = /^(\S+) (\S+)$/.exec(line);
        if (m && !line.startsWith('#')) out.set(m[1], Number(m[2]));
      }
      return out;
    },
  };
}

/** Polls until `check` returns true; fails with `what` and the process's last log lines after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, proc?: StreamProcess): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${proc ? `; stream log tail:\n${proc.stderr().slice(-3000)}` : ''}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
