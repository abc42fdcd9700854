import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/** Runs `script` in bash after sourcing infra/scripts/lib.sh; returns stdout and stderr together. */
function withLib(script: string): string {
  return execFileSync('bash', ['-c', `source infra/scripts/lib.sh; ${script} 2>&1`], { encoding: 'utf8' });
}

const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('infra pid files (lib.sh)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pidfiles-'));
  const children: ChildProcess[] = [];
  const sleeper = () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    children.push(child);
    return child.pid as number;
  };
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  it('names the process it was written for, and stop_pid_file stops it and removes the file', async () => {
    const pid = sleeper();
    const file = join(dir, 'own.pid');
    withLib(`write_pid_file ${file} ${pid}`);
    expect(readFileSync(file, 'utf8').split(' ')[0]).toBe(String(pid));
    expect(withLib(`pid_from_file ${file}`).trim()).toBe(String(pid));
    withLib(`stop_pid_file ${file}`);
    await new Promise((r) => setTimeout(r, 100));
    expect(running(pid)).toBe(false);
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
  });

  it('treats a pid that now belongs to another process (a reboot reused it) as gone, and never kills it', () => {
    const stranger = sleeper();
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const reused = join(dir, 'reused.pid');
    writeFileSync(reused, `${stranger} ${bootId} 1\n`); // the same pid, started at another time
    const bare = join(dir, 'bare.pid');
    writeFileSync(bare, `${stranger}\n`); // the old format: a pid alone proves nothing
    expect(() => withLib(`pid_from_file ${reused}`)).toThrow();
    expect(() => withLib(`pid_from_file ${bare}`)).toThrow();
    withLib(`stop_pid_file ${reused}; stop_pid_file ${bare}`);
    expect(running(stranger)).toBe(true);
  });

  it('wait_for_process fails at once, with the end of the log, when the process it waits for exits', () => {
    const log = join(dir, 'daemon.log');
    writeFileSync(log, 'first line\nbind: address already in use\n');
    const started = Date.now();
    let output = '';
    try {
      withLib(`sleep 0.2 & wait_for_process $! ${log} 30 daemon false`);
    } catch (err) {
      output = String((err as { stdout?: string }).stdout);
    }
    expect(output).toContain('daemon exited while starting');
    expect(output).toContain('bind: address already in use');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('removes a pid file another program wrote only when its pid runs something else', () => {
    const pid = sleeper();
    const file = join(dir, 'foreign.pid');
    writeFileSync(file, `${pid}`);
    expect(withLib(`remove_foreign_pid_file ${file} sleep; cat ${file}`)).toBe(String(pid));
    expect(withLib(`remove_foreign_pid_file ${file} dockerd`)).toMatch(`removing stale ${file} (pid ${pid} is not dockerd)`);
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
  });
});
