import { describe, expect, it } from 'vitest';
import { CodedUtf8Column } from './codedUtf8Column';
import { decodeParquet, encodeParquet, type TableSpec } from './parquet';

const spec: TableSpec = { path: 'test/coded', columns: [{ name: 'v', type: 'utf8' }] };

describe('coded utf8 column', () => {
  it('writes the same Parquet bytes as the strings themselves, and reads back to them', () => {
    const column = new CodedUtf8Column();
    const values = ['T0a1b2c3d4e5f', 'Receiving block <BLK> src: <IP> dest: <IP>', 'é ünïcode ✓', '', 'T0a1b2c3d4e5f'];
    const rows = Array.from({ length: 1000 }, (_, i) => values[(i * 7) % values.length]);
    const codes = Int32Array.from(rows, (v) => column.code(v));
    expect(column.code(values[1])).toBe(codes[rows.indexOf(values[1])]);
    const coded = encodeParquet(spec, { rows: rows.length, columns: { v: column.vector(codes) } });
    expect(Buffer.from(coded).equals(Buffer.from(encodeParquet(spec, { rows: rows.length, columns: { v: rows } })))).toBe(true);
    expect(decodeParquet(spec, coded).columns.v).toEqual(rows);
  });

  it('lends one set of buffers when asked: each vector the same as a new one, growing when a part needs more', () => {
    const lent = new CodedUtf8Column(true);
    const fresh = new CodedUtf8Column();
    const values = ['T0a1b2c3d4e5f', 'Receiving block <BLK> src: <IP> dest: <IP>', 'é ünïcode ✓', ''];
    for (const size of [1000, 200, 5000, 4999]) {
      const rows = Array.from({ length: size }, (_, i) => values[(i * 7 + size) % values.length]);
      const vector = lent.vector(Int32Array.from(rows, (v) => lent.code(v)));
      expect(vector.length).toBe(size);
      expect(vector.toArray()).toEqual(rows);
      const bytes = encodeParquet(spec, { rows: size, columns: { v: vector } });
      expect(
        Buffer.from(bytes).equals(Buffer.from(encodeParquet(spec, { rows: size, columns: { v: fresh.vector(Int32Array.from(rows, (v) => fresh.code(v))) } }))),
      ).toBe(true);
    }
  });
});
