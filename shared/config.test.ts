import { describe, expect, it } from 'vitest';
import { loadConfig, loadProcessConfig } from './config';

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
