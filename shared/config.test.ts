import { describe, expect, it } from 'vitest';
import { loadConfig, loadProcessConfig } from './config';
import { redactUrl } from './logger';
import { BadInputError } from './errors';

describe('DATABASE_URL', () => {
  it('accepts postgres:// and postgresql:// URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/sentinel' }).databaseUrl).toBe('postgres://u:p@db:5432/sentinel');
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@db/sentinel' }).databaseUrl).toBe('postgresql://u@db/sentinel');
  });

  it('rejects a URL without a scheme, and the error hides the password', () => {
    const err = (() => {
      try {
        loadConfig({ DATABASE_URL: 'sentinel:s3cr3t@db.internal:5432/sentinel' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(BadInputError);
    expect((err as Error).message).toMatch(/DATABASE_URL.*postgres:\/\//);
    expect((err as Error).message).toContain('sentinel:***@db.internal:5432/sentinel');
    expect((err as Error).message).not.toContain('s3cr3t');
  });

  it('redactUrl hides the password of scheme-less and unparseable URLs too', () => {
    expect(redactUrl('sentinel:s3cr3t@db.internal:5432/sentinel')).toBe('sentinel:***@db.internal:5432/sentinel');
    expect(redactUrl('postgres://u:s3cr3t@db/x')).toBe('postgres://u:***@db/x');
    expect(redactUrl('://u:s3cr3t@[bad')).not.toContain('s3cr3t');
  });
});

describe('config', () => {
  it('process-wide settings: defaults, then the environment', () => {
    expect(loadProcessConfig({})).toEqual({ parquetWorker: true, awsRegion: 'us-east-1', version: '0.1.0' });
    expect(loadProcessConfig({ SENTINEL_TF_BACKEND: 'wasm', SENTINEL_PARQUET_WORKER: '0', AWS_REGION: 'eu-west-1', SENTINEL_VERSION: '1.2.3' })).toEqual({
      tfBackend: 'wasm',
      parquetWorker: false,
      awsRegion: 'eu-west-1',
      version: '1.2.3',
    });
    // Only 0 turns the worker off, as before.
    expect(loadProcessConfig({ SENTINEL_PARQUET_WORKER: 'false' }).parquetWorker).toBe(true);
  });

  it('SENTINEL_FAULT_INJECT takes only a listed crash point, so a misspelt one never runs clean', () => {
    expect(loadProcessConfig({}).faultInject).toBeUndefined();
    expect(loadProcessConfig({ SENTINEL_FAULT_INJECT: 'lake:gold/windows:after-commit' }).faultInject).toBe('lake:gold/windows:after-commit');
    expect(() => loadProcessConfig({ SENTINEL_FAULT_INJECT: 'lake:gold/window:after-commit' })).toThrow(/faultInject/);
  });

  it('validates only the process-wide settings, and says which variable is wrong', () => {
    expect(loadProcessConfig({ SENTINEL_ALERT_MIN_SEVERITY: 'lots' }).awsRegion).toBe('us-east-1');
    expect(() => loadProcessConfig({ SENTINEL_TF_BACKEND: 'gpu' })).toThrow(/tfBackend/);
  });

  it('the full config carries them too; flags override the environment', () => {
    const c = loadConfig({ AWS_REGION: 'eu-west-1', SENTINEL_LAKE: 'memory://a' }, { lake: 'memory://b' });
    expect(c.awsRegion).toBe('eu-west-1');
    expect(c.lake).toBe('memory://b');
  });
});
