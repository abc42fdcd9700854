import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';
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
