import { describe, expect, it } from 'vitest';
import { createRandom } from '../random';
import { createMasker, DEFAULT_MASKS } from './masks';

const mask = (token: string) => createMasker().maskToken(token);

describe('default masks', () => {
  it('masks numbers, but not digits glued into words', () => {
    expect(mask('8812')).toEqual({ text: '<NUM>', values: ['8812'] });
    expect(mask('-24.0,')).toEqual({ text: '<NUM>,', values: ['-24.0'] });
    expect(mask('size=67108864')).toEqual({ text: 'size=<NUM>', values: ['67108864'] });
    expect(mask('12:01:59')).toEqual({ text: '<NUM>:<NUM>:<NUM>', values: ['12', '01', '59'] });
    for (const word of ['t761', 'u0', 'md5', 'x86_64', 'SOCKS5', 'v6.1.7601']) expect(mask(word)).toEqual({ text: word, values: [] });
  });

  it('masks IPv4 addresses with their port, including the Java /ip:port form', () => {
    expect(mask('10.251.73.220:50010')).toEqual({ text: '<IP>', values: ['10.251.73.220:50010'] });
    expect(mask('/10.10.34.11:3888')).toEqual({ text: '<IP>', values: ['/10.10.34.11:3888'] });
    expect(mask('from=192.168.0.7,')).toEqual({ text: 'from=<IP>,', values: ['192.168.0.7'] });
    // Five dotted parts are not an address.
    expect(mask('1.2.3.4.5').text).toBe('<NUM>');
  });

  it('masks hex: 0x values and long mixed hex strings, not plain words', () => {
    expect(mask('0x7fed806eb5d')).toEqual({ text: '<HEX>', values: ['0x7fed806eb5d'] });
    expect(mask('113d3a99c3da401fbd62cc2caa5b96d2')).toEqual({ text: '<HEX>', values: ['113d3a99c3da401fbd62cc2caa5b96d2'] });
    expect(mask('Token{9f4ef63')).toEqual({ text: 'Token{<HEX>', values: ['9f4ef63'] });
    expect(mask('deadbeef').text).toBe('deadbeef');
    expect(mask('123456').text).toBe('<NUM>');
  });

  it('masks UUIDs as one value (before NUM and HEX see their parts)', () => {
    expect(mask('[instance:')).toEqual({ text: '[instance:', values: [] });
    expect(mask('3edec1e4-9678-4a3a-a21b-a145a4ee5e61]')).toEqual({ text: '<UUID>]', values: ['3edec1e4-9678-4a3a-a21b-a145a4ee5e61'] });
    expect(mask('req-3EDEC1E4-9678-4A3A-A21B-A145A4EE5E61').text).toBe('req-<UUID>');
  });

  it('masks paths and URLs, but not dates written with slashes', () => {
    expect(mask('/var/log/nginx/access.log')).toEqual({ text: '<PATH>', values: ['/var/log/nginx/access.log'] });
    expect(mask('file=/tmp/a.txt')).toEqual({ text: 'file=<PATH>', values: ['/tmp/a.txt'] });
    expect(mask('C:\\Windows\\System32\\drivers\\etc\\hosts').text).toBe('<PATH>');
    expect(mask('https://api.example.com/v1/orders?id=7')).toEqual({ text: '<URL>', values: ['https://api.example.com/v1/orders?id=7'] });
    expect(mask('2016/9/27').text).toBe('<NUM>/<NUM>/<NUM>');
    expect(mask('and/or').text).toBe('and/or');
  });

  it('masks HDFS block ids whole', () => {
    expect(mask('blk_-6952295868487656571')).toEqual({ text: '<BLK>', values: ['blk_-6952295868487656571'] });
  });

  it('reports values in the order they appear, whichever rule caught them', () => {
    expect(mask('0x1f@10.0.0.1:80#42')).toEqual({ text: '<HEX>@<IP>#<NUM>', values: ['0x1f', '10.0.0.1:80', '42'] });
  });
});

describe('createMasker', () => {
  it('applies a custom list in order, and `*` gives a plain wildcard', () => {
    const masker = createMasker([
      { name: 'USER', pattern: 'u-\\d+' },
      { name: '*', pattern: '\\d+' },
    ]);
    expect(masker.maskToken('u-1842/17')).toEqual({ text: '<USER>/<*>', values: ['u-1842', '17'] });
  });

  it('with no rules leaves tokens alone', () => {
    expect(createMasker([]).maskToken('8812')).toEqual({ text: '8812', values: [] });
  });

  it('ignores empty matches instead of looping', () => {
    expect(createMasker([{ name: 'OPT', pattern: 'x*' }]).maskToken('axxb')).toEqual({ text: 'a<OPT>b', values: ['xx'] });
  });

  it('rejects bad names and patterns', () => {
    expect(() => createMasker([{ name: 'num', pattern: '\\d+' }])).toThrow(/upper-case/);
    expect(() => createMasker([{ name: 'NUM', pattern: '(' }])).toThrow(/mask NUM/);
  });

  it('skips the UUID regex only for tokens too short to hold one (same results as without the shortcut)', () => {
    // The same UUID rule with another pattern text gets no shortcut (SHORTEST_MATCH is keyed by the text).
    const unshortened = createMasker(DEFAULT_MASKS.map((r) => (r.name === 'UUID' ? { ...r, pattern: `(?:${r.pattern})` } : r)));
    const fast = createMasker();
    const random = createRandom(17);
    const hex = '0123456789abcdefABCDEF-';
    const uuid = () => [8, 4, 4, 4, 12].map((n) => Array.from({ length: n }, () => hex[random.int(22)]).join('')).join('-');
    const tokens = ['u-38985', 'job-26f93c83', '3edec1e4-9678-4a3a-a21b-a145a4ee5e61', 'x3edec1e4-9678-4a3a-a21b-a145a4ee5e6'];
    for (let i = 0; i < 5000; i++) {
      const id = uuid();
      // Whole UUIDs (36 characters), with a character or two around them, cut short, and random hex with dashes.
      tokens.push(id, `${id}]`, `[${id}`, id.slice(random.int(3)), Array.from({ length: 20 + random.int(25) }, () => hex[random.int(hex.length)]).join(''));
    }
    let masked = 0;
    for (const token of tokens) {
      const expected = unshortened.maskToken(token);
      expect(fast.maskToken(token), token).toEqual(expected);
      if (expected.text.includes('<UUID>')) masked++;
    }
    expect(masked).toBeGreaterThan(10_000);
  });

  it('default rules are JSON (so they can live in saved state)', () => {
    expect(JSON.parse(JSON.stringify(DEFAULT_MASKS))).toEqual(DEFAULT_MASKS);
  });
});
