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
});
