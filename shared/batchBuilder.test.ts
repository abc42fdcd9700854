import { describe, expect, it } from 'vitest';
import { BatchBuilder, ColumnBatchBuilder } from './batchBuilder';
import { decodeParquet, encodeParquet } from './parquet';
import { everyColumnType } from './everyColumnType.fixture';
import { bronzeLogs } from './schemas';

const spec = everyColumnType('test/all_types');

const row = (i: number) => ({
  ts: i % 11 === 0 ? null : 1_767_571_200_000 + i * 997 - (i % 3 === 0 ? 2 ** 40 : 0),
  name: i % 7 === 0 ? null : ['api', 'db', 'ünïcode ✓', '', '𝄞 clef'][i % 5],
  text: i % 13 === 0 ? undefined : `message ${i} ${'é'.repeat(i % 4)}`,
  x: i % 5 === 0 ? null : i % 9 === 0 ? Number.NaN : i / 3 - 100,
  n: i % 6 === 0 ? null : i - 5000,
  flag: i % 4 === 0 ? null : i % 2 === 0,
});

describe('ColumnBatchBuilder', () => {
  it('writes the values BatchBuilder writes, through Parquet, across flushes and buffer growth', () => {
    const columnar = new ColumnBatchBuilder(spec, 135_000, 16);
    const plain = new BatchBuilder(spec, 135_000);
    const columnarParts = [];
    const plainParts = [];
    for (let i = 0; i < 140_000; i++) {
      const a = columnar.push(row(i));
      const b = plain.push(row(i));
      if (a) columnarParts.push(a);
      if (b) plainParts.push(b);
    }
    columnarParts.push(columnar.flush());
    plainParts.push(plain.flush());
    expect(columnarParts.map((p) => p.rows)).toEqual([135_000, 5_000]);
    for (let k = 0; k < 2; k++) {
      const got = decodeParquet(spec, encodeParquet(spec, columnarParts[k]));
      const want = decodeParquet(spec, encodeParquet(spec, plainParts[k]));
      expect(got).toEqual(want);
    }
    // And the values are the rows' own (null/undefined/NaN numbers read back as NaN or null).
    // The typed-array readers give what Arrow's own iterator gives (two row groups: two chunks).
    const bytes = encodeParquet(spec, columnarParts[0]);
    const typed = decodeParquet(spec, bytes);
    const vectors = decodeParquet(spec, bytes, spec.path, undefined, ['ts', 'x', 'n']).arrow!;
    expect(vectors.ts.data.length).toBe(2);
    expect(Array.from(typed.columns.ts as Float64Array)).toEqual([...vectors.ts].map((v) => (v === null ? Number.NaN : Number(v))));
    expect(Array.from(typed.columns.x as Float64Array)).toEqual([...vectors.x].map((v) => (v === null ? Number.NaN : Number(v))));
    expect(typed.columns.n).toEqual([...vectors.n]);
    const back = decodeParquet(spec, encodeParquet(spec, columnarParts[1]));
    const i = 135_000 + 1;
    expect(back.columns.ts[1]).toBe(row(i).ts);
    expect(back.columns.name[1]).toBe(row(i).name);
    expect(back.columns.x[1]).toBeCloseTo(row(i).x as number);
  });

  it('an empty flush is an empty part', () => {
    const b = new ColumnBatchBuilder(bronzeLogs, 10);
    const batch = b.flush();
    expect(batch.rows).toBe(0);
    expect(decodeParquet(bronzeLogs, encodeParquet(bronzeLogs, batch)).rows).toBe(0);
  });
});
