import { describe, expect, it } from 'vitest';
import { rawRecordSchema } from '../schemas';
import { parseJsonLine } from './records';
import { parseIso } from './timestamps';

const base = { ts: '2026-01-05T10:00:00.000Z', service: 'api', level: 'INFO', message: 'GET /x' };

describe('parseJsonLine', () => {
  it('gives the record zod gives, or zod’s own reason, for valid and borderline fields', () => {
    const cases: Record<string, unknown>[] = [
      base,
      { ...base, latency_ms: 0, status: 100, host: 'h', user_id: 7, session_id: true, trace_id: 't', label: 'x' },
      { ...base, latency_ms: '12.5', status: '599' },
      { ...base, latency_ms: -1 },
      { ...base, latency_ms: 'abc' },
      { ...base, status: 99 },
      { ...base, status: 600 },
      { ...base, status: 200.5 },
      { ...base, service: '' },
      { ...base, service: 's'.repeat(200) },
      { ...base, service: 's'.repeat(201) },
      { ...base, message: '' },
      { ...base, message: undefined },
      { ...base, service: undefined },
      { ...base, latency_ms: null, status: '' },
    ];
    for (const c of cases) {
      const result = parseJsonLine(JSON.stringify(c), parseIso, undefined);
      const num = (v: unknown) => (v === undefined || v === null || v === '' ? null : typeof v === 'number' ? v : Number(v));
      const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
      const expected = rawRecordSchema.safeParse({
        ts: parseIso(c.ts as string),
        service: str(c.service),
        level: c.level,
        message: str(c.message),
        host: str(c.host) ?? null,
        latency_ms: num(c.latency_ms),
        status: num(c.status),
        user_id: str(c.user_id) ?? null,
        session_id: str(c.session_id) ?? null,
        trace_id: str(c.trace_id) ?? null,
        label: str(c.label) ?? null,
      });
      if (expected.success) {
        expect(result).toEqual({ ok: true, record: expected.data });
        if (result.ok) expect(Object.keys(result.record)).toEqual(Object.keys(expected.data));
      } else {
        const issue = expected.error.issues[0];
        expect(result).toEqual({ ok: false, key: `field:${issue.path.join('.')}:${issue.code}`, reason: `field "${issue.path.join('.')}": ${issue.message}` });
      }
    }
  });

  it('names the first structured text field', () => {
    const result = parseJsonLine(JSON.stringify({ ...base, host: { a: 1 }, user_id: [1] }), parseIso, undefined);
    expect(result).toEqual({ ok: false, key: 'field:host:type', reason: 'field "host" must be a string, got object' });
  });

  it('reads the aliases in order, a null field counting as absent', () => {
    const line = {
      '@timestamp': '2026-01-05T10:00:00.000Z',
      ts: null,
      severity: 'warning',
      app: 'billing',
      service: null,
      msg: 'charged',
      hostname: 'h1',
      uid: 'u1',
      session: 's1',
      traceId: 't1',
      duration_ms: '7',
      status_code: 201,
    };
    const result = parseJsonLine(JSON.stringify(line), parseIso, undefined);
    expect(result).toEqual({
      ok: true,
      record: {
        ts: Date.UTC(2026, 0, 5, 10),
        service: 'billing',
        level: 'WARN',
        message: 'charged',
        host: 'h1',
        latency_ms: 7,
        status: 201,
        user_id: 'u1',
        session_id: 's1',
        trace_id: 't1',
        label: null,
      },
    });
    expect(parseJsonLine(JSON.stringify({ ...base, ts: null }), parseIso, undefined)).toMatchObject({ ok: false, key: 'timestamp:missing' });
    expect(parseJsonLine(JSON.stringify({ ...base, level: null }), parseIso, undefined)).toMatchObject({ ok: false, key: 'level:missing' });
    expect(parseJsonLine(JSON.stringify({ ...base, datetime: null, ts: undefined }), parseIso, undefined)).toMatchObject({
      ok: false,
      key: 'timestamp:missing',
    });
  });
});
