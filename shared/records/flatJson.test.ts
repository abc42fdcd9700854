import { describe, expect, it } from 'vitest';
import { FlatJsonScanner, NUMBER, numberValue, STRING, SHORT_ESCAPES, UNICODE_ESCAPES, unescapeShort } from './flatJson';
import { createRandom } from '../random';

describe('numberValue', () => {
  it('gives JSON.parse’s double for every number, including the fraction fast path’s edges', () => {
    const fixed = [
      '0',
      '-0',
      '-0.0',
      '6.2',
      '0.1',
      '0.3',
      '2.675',
      '123456789012345',
      '1234567890123456',
      '12345678901234567',
      '0.000000000000001',
      '9007199254740993',
      '1.5e3',
      '2E-2',
      '999999999999999.9',
      '99999999999999.99',
      '1e400',
    ];
    const random = createRandom(5);
    const generated = Array.from({ length: 20_000 }, () => {
      const whole = String(random.int(10 ** (1 + random.int(9))));
      const fraction = random.next() < 0.7 ? `.${String(random.int(10 ** (1 + random.int(8)))).padStart(1 + random.int(8), '0')}` : '';
      return `${random.next() < 0.2 ? '-' : ''}${whole}${fraction}`;
    });
    for (const text of [...fixed, ...generated]) {
      const b = Buffer.from(` ${text} `);
      expect(Object.is(numberValue(b, 1, 1 + text.length), JSON.parse(text)), text).toBe(true);
    }
  });
});

describe('FlatJsonScanner', () => {
  const scanner = new FlatJsonScanner(['ts', 'message', 'latency_ms']);
  const scan = (line: string) => {
    const b = Buffer.from(line);
    return scanner.scan(b, 0, b.length) ? b : undefined;
  };

  it('finds the keys’ values and their escapes', () => {
    const b = scan('{"ts":"x","other":[1],"message":"a\\"b"}');
    expect(b).toBeUndefined(); // a nested value anywhere: JSON.parse's path
    const ok = scan(' {"ts":"x", "other":null, "message":"a\\"b\\u00e9", "latency_ms":-1.5e2} ')!;
    expect(ok).toBeDefined();
    expect([scanner.kind[0], scanner.kind[1], scanner.kind[2]]).toEqual([STRING, STRING, NUMBER]);
    expect(ok.toString('utf8', scanner.start[1], scanner.end[1])).toBe('a\\"b\\u00e9');
    expect(scanner.escapes[1]).toBe(UNICODE_ESCAPES);
    expect(numberValue(ok, scanner.start[2], scanner.end[2])).toBe(-150);
    expect(scan('{"message":"a\\nb"}') && scanner.escapes[1]).toBe(SHORT_ESCAPES);
  });

  it('refuses what JSON.parse refuses, and a repeated key it reads', () => {
    for (const line of [
      '{"ts":1,}',
      '{"ts":01}',
      '{"ts":1.}',
      '{"ts":"a\tb"}',
      '{"ts":"\\x"}',
      '{"ts":tru}',
      '{"ts":1} x',
      '{"ts":1',
      "{'ts':1}",
      '{"ts":1,"ts":2}',
      '{"t\\u0073":1}',
    ]) {
      expect(scan(line), line).toBeUndefined();
    }
    expect(scan('{"x":1,"x":2}')).toBeDefined(); // a key it does not read: JSON.parse keeps the last, nobody looks
  });

  it('undoes one-character escapes as JSON.parse does', () => {
    const text = 'q\\" b\\\\ s\\/ \\b\\f\\n\\r\\t end';
    const src = Buffer.from(text);
    const out = new Uint8Array(src.length);
    const n = unescapeShort(src, 0, src.length, out, 0);
    expect(Buffer.from(out.subarray(0, n)).toString()).toBe(JSON.parse(`"${text}"`));
  });
});
