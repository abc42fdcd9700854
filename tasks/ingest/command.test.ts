import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError, GateClosedError } from '../../shared/errors';
import { run } from './command';

describe('ingest with no input files', () => {
  const lake = `file://${mkdtempSync(join(tmpdir(), 'ingest-empty-'))}`;
  const step = { env: { LOG_LEVEL: 'silent' } };

  it('is bad input (exit 2) by default', async () => {
    await expect(run({ date: '2026-01-05', lake }, step)).rejects.toBeInstanceOf(BadInputError);
  });

  it('is a closed gate (exit 99: the DAG skips the day) with --skip-if-empty', async () => {
    await expect(run({ date: '2026-01-05', lake, skipIfEmpty: true }, step)).rejects.toBeInstanceOf(GateClosedError);
  });
});
