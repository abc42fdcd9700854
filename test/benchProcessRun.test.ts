import { describe, expect, it } from 'vitest';
import { runProcess } from '../bench/processRun';

/** A child that holds `mb` MB of touched memory for a second. */
const holder = (mb: number) => `node -e "const b = Buffer.alloc(${mb} * 1024 * 1024, 1); setTimeout(() => b.length, 1500)"`;

describe('bench runProcess', () => {
  it('reports the summed peak RSS of a process tree, not only its largest process (a PySpark job is Python plus a JVM)', async () => {
    const run = await runProcess('bash', ['-c', `${holder(150)} & ${holder(150)} & wait; echo '{"ok":1}'`]);
    expect(run.result).toEqual({ ok: 1 });
    // GNU time alone would say ~200 MB (one child); the tree held both children at once.
    expect(run.peakRssMb).toBeGreaterThan(300);
  });

  it('fails with the command and its stderr when the process exits non-zero', async () => {
    await expect(runProcess('bash', ['-c', 'echo broken input >&2; exit 3'])).rejects.toThrow(/exited 3: broken input/);
  });
});
