import { describe, expect, it } from 'vitest';
import { FALSE, FlatJsonScanner, NO_ESCAPES, NULL, NUMBER, numberValue, STRING, SHORT_ESCAPES, TRUE, UNICODE_ESCAPES, unescapeShort } from './flatJson';
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

  it('takes only plain ASCII keys: a key is matched on its bytes', () => {
    for (const key of ['ő', 'é', 'a"b', 'a\\b', 'tab\there']) expect(() => new FlatJsonScanner([key]), key).toThrow(/not plain ASCII/);
    expect(() => new FlatJsonScanner(['@timestamp', 'trace_id'])).not.toThrow();
  });

  it('leaves a line over 1 MiB to JSON.parse, and reads the one before and after it', () => {
    const long = `{"ts":1,"message":"${'x'.repeat(1 << 20)}"}`;
    expect(scan(long)).toBeUndefined();
    const short = scan('{"ts":2,"message":"y"}')!;
    expect(short.toString('utf8', scanner.start[1], scanner.end[1])).toBe('y');
    // Exactly 1 MiB: the last sixteen-byte read reaches into the padding after the line.
    const exact = `{"ts":3,"message":"${'z'.repeat((1 << 20) - 21)}"}`;
    expect(Buffer.byteLength(exact)).toBe(1 << 20);
    expect(scan(exact)).toBeDefined();
  });

  it('undoes one-character escapes as JSON.parse does', () => {
    const text = 'q\\" b\\\\ s\\/ \\b\\f\\n\\r\\t end';
    const src = Buffer.from(text);
    const out = new Uint8Array(src.length);
    const n = unescapeShort(src, 0, src.length, out, 0);
    expect(Buffer.from(out.subarray(0, n)).toString()).toBe(JSON.parse(`"${text}"`));
  });

  it('finds a string’s end and its escapes at every position (read sixteen bytes at a time)', () => {
    // Each special byte (quote, backslash, control character) at every offset of a 0–40 byte value,
    // the line starting at four places of its buffer, and multi-byte UTF-8 (bytes ≥ 0x80, which the
    // sixteen-byte compare must not take for specials) around it.
    const fillers = ['abcdefghijklmnopqrstuvwxyz0123456789ABCD', 'é€😀ü'.repeat(4)];
    for (const filler of fillers) {
      for (let length = 0; length <= 40; length++) {
        const plain = [...filler].slice(0, length).join('');
        const variants = [plain];
        for (let at = 0; at <= [...plain].length; at++) {
          const chars = [...plain];
          for (const special of ['\\"', '\\n', '\\u00e9', '\t', '\u0001']) variants.push([...chars.slice(0, at), special, ...chars.slice(at)].join(''));
        }
        for (const value of variants) {
          const line = `{"message":"${value}","ts":1}`;
          let parsed: unknown;
          try {
            parsed = JSON.parse(line);
          } catch {
            parsed = undefined;
          }
          for (let shift = 0; shift < 4; shift++) {
            const bytes = Buffer.from(' '.repeat(shift) + line);
            const buffer = Buffer.from(new ArrayBuffer(bytes.length + 8), 1, bytes.length); // not at the start of its memory
            bytes.copy(buffer);
            const ok = scanner.scan(buffer, shift, buffer.length);
            expect(ok, `${line} at shift ${shift}`).toBe(parsed !== undefined);
            if (!ok) continue;
            const raw = buffer.toString('utf8', scanner.start[1], scanner.end[1]);
            expect(JSON.parse(`"${raw}"`), line).toBe((parsed as { message: string }).message);
            expect(scanner.escapes[1], line).toBe(raw.includes('\\u') ? UNICODE_ESCAPES : raw.includes('\\') ? SHORT_ESCAPES : 0);
            expect(numberValue(buffer, scanner.start[0], scanner.end[0])).toBe(1);
          }
        }
      }
    }
  });
});

/** The escapes of a string value's raw text, read escape by escape (an escaped backslash before `u` is no `\u` escape). */
function escapesIn(text: string): number {
  let escapes = NO_ESCAPES;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') continue;
    if (text[i + 1] === 'u') escapes = UNICODE_ESCAPES;
    else if (escapes === NO_ESCAPES) escapes = SHORT_ESCAPES;
    i++;
  }
  return escapes;
}

describe('FlatJsonScanner against JSON.parse', () => {
  it('accepts no line JSON.parse refuses, and reads what it accepts as JSON.parse does (random edits of valid lines)', () => {
    const keys = ['ts', 'message', 'latency_ms', 'ok', 'none'];
    const scanner = new FlatJsonScanner(keys);
    const random = createRandom(17);
    const bases = [
      '{"ts":1700000000123,"message":"took 12 ms","latency_ms":-1.5e2,"ok":true,"none":null}',
      ' { "ts" : "2026-01-05T00:00:00Z" , "message" : "a\\"b\\u00e9" , "ok" : false } ',
      '{"message":"x\\u00e9\\n","other":0.25,"latency_ms":0,"none":null}',
    ];
    const pieces = ['"', '\\', ' ', '\t', '\n', ',', ':', '{', '}', '[', '0', '1', '-', '.', 'e', 'E', '+', 't', 'f', 'n', 'u', '\u0001', 'é'];
    let accepted = 0;
    for (let t = 0; t < 30_000; t++) {
      let line = bases[random.int(bases.length)];
      for (let edits = 1 + random.int(3); edits > 0; edits--) {
        const at = random.int(line.length + 1);
        const piece = pieces[random.int(pieces.length)];
        const edit = random.int(4);
        // Insert, delete, replace, or cut the line short there (after a longer line: stale bytes follow it in the kernel).
        line = edit === 3 ? line.slice(0, at) : line.slice(0, at) + (edit === 1 ? '' : piece) + line.slice(edit === 0 ? at : at + 1);
      }
      const b = Buffer.from(line);
      if (!scanner.scan(b, 0, b.length)) continue;
      accepted++;
      let parsed: Record<string, unknown> | undefined;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      expect(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed), line).toBe(true);
      keys.forEach((key, index) => {
        if (scanner.kind[index] === 0) {
          expect(parsed![key], `${line} ${key}`).toBeUndefined();
          return;
        }
        const text = b.toString('utf8', scanner.start[index], scanner.end[index]);
        const value = parsed![key];
        expect(JSON.parse(scanner.kind[index] === STRING ? `"${text}"` : text), `${line} ${key}`).toEqual(value);
        const kind = typeof value === 'string' ? STRING : typeof value === 'number' ? NUMBER : value === true ? TRUE : value === false ? FALSE : NULL;
        expect(scanner.kind[index], `${line} ${key}`).toBe(kind);
        if (kind === STRING) expect(scanner.escapes[index], `${line} ${key}`).toBe(escapesIn(text));
      });
    }
    expect(accepted).toBeGreaterThan(3000);
  });
});

describe('FlatJsonScanner key guesses', () => {
  it('finds every key as JSON.parse does while the order of keys changes from line to line (prefixes, unknown and repeated keys)', () => {
    const keys = ['user', 'user_id', 'ts', 'message', 'status', 'status_code', 'u'];
    const scanner = new FlatJsonScanner(keys);
    const random = createRandom(11);
    const names = [...keys, 'users', 'use', 'other', 'user_i', 'status_', 'tsx'];
    for (let k = 0; k < 5_000; k++) {
      // Mostly one order, as a source's lines are, with other orders, missing, unknown and repeated keys mixed in.
      const order = random.next() < 0.7 ? ['ts', 'user', 'message', 'status'] : Array.from({ length: random.int(6) }, () => names[random.int(names.length)]);
      const line = `{${order.map((key, i) => `"${key}":${i % 2 ? i : `"v${i}"`}`).join(',')}}`;
      const b = Buffer.from(line);
      const ok = scanner.scan(b, 0, b.length);
      const parsed = JSON.parse(line) as Record<string, unknown>;
      const repeated = new Set(order).size !== order.length && order.some((key, i) => keys.includes(key) && order.indexOf(key) !== i);
      expect(ok, line).toBe(!repeated);
      if (!ok) continue;
      keys.forEach((key, index) => {
        if (!(key in parsed)) {
          expect(scanner.kind[index], `${line} ${key}`).toBe(0);
          return;
        }
        const text = b.toString('utf8', scanner.start[index], scanner.end[index]);
        expect(scanner.kind[index] === STRING ? text : Number(text), `${line} ${key}`).toBe(parsed[key]);
      });
    }
  });
});
