import { describe, expect, it } from 'vitest';
import { type Batch, decodeParquet, decodeParquetColumns, encodeParquet, type TableSpec, type WritableBatch } from '../parquet';
import { bronzeLogs, silverLogs } from '../schemas';
import { bronzePart, computedColumns } from './logParts.fixture';
import { columnNames, readFooter, spliceParquet } from './spliceParts';
import { readStruct, writeStruct } from './thriftCompact';

/** Column by column, the first differing row named (a deep equality of 270K-row columns takes seconds). */
function expectSameColumns(got: Batch, want: Batch): void {
  expect(got.rows).toBe(want.rows);
  expect(Object.keys(got.columns).sort()).toEqual(Object.keys(want.columns).sort());
  for (const [name, values] of Object.entries(want.columns)) {
    const column = got.columns[name];
    expect(column.constructor, name).toBe(values.constructor);
    const row = Array.prototype.findIndex.call(values, (v: unknown, i: number) => !Object.is(v, column[i]));
    expect(row === -1 ? undefined : { name, row, got: column[row], want: values[row] }, name).toBeUndefined();
  }
}

const specOf = (names: readonly string[]): TableSpec => ({ path: silverLogs.path, columns: silverLogs.columns.filter((c) => names.includes(c.name)) });
const emptyLayout = () => readFooter(encodeParquet(silverLogs, { rows: 0, columns: Object.fromEntries(silverLogs.columns.map((c) => [c.name, []])) }))!.meta;

/** The Silver part as parse writes it today (every column encoded), and as spliced from Bronze's bytes plus the computed columns. */
function bothWays(n: number, normalized = false) {
  const bronze = bronzePart(n, n % 17);
  const computed = computedColumns(bronze, normalized);
  const silver: WritableBatch = { rows: n, columns: { ...bronze.columns, ...computed } };
  const bronzeBytes = encodeParquet(bronzeLogs, bronze);
  const computedBytes = encodeParquet(specOf(Object.keys(computed)), { rows: n, columns: computed });
  const sources = [bronzeBytes, computedBytes].map((bytes) => ({ bytes, footer: readFooter(bytes)! }));
  const spliced = spliceParquet(emptyLayout(), sources, (name) => (name in computed ? 1 : 0));
  return { encoded: encodeParquet(silverLogs, silver), spliced };
}

describe('spliceParquet', () => {
  it('reads back the table the writer writes, for one row group, several, nulls and a normalized message', async () => {
    for (const [n, normalized] of [
      [1, false],
      [5_000, true],
      [270_000, false], // three row groups of 131,072 rows at most
      [140_000, true],
    ] as const) {
      const { encoded, spliced } = bothWays(n, normalized);
      expect(spliced, `${n} rows`).toBeDefined();
      const got = decodeParquet(silverLogs, spliced!);
      expect(got.rows).toBe(n);
      expectSameColumns(got, decodeParquet(silverLogs, encoded));
      // Through parquet-wasm's file reader too (projection; it reads chunks by the footer's offsets).
      const only = ['ts', 'status', 'message', 'params'];
      expectSameColumns(await decodeParquetColumns(silverLogs, spliced!, 'spliced', only), await decodeParquetColumns(silverLogs, encoded, 'encoded', only));
      // Each column as the Arrow vector read (types, nulls), not only the plain columns.
      const names = silverLogs.columns.map((c) => c.name);
      const arrowGot = decodeParquet(silverLogs, spliced!, 'spliced', undefined, names).arrow!;
      const arrowWant = decodeParquet(silverLogs, encoded, 'encoded', undefined, names).arrow!;
      for (const name of names) {
        expect(arrowGot[name].type.toString(), name).toBe(arrowWant[name].type.toString());
        expect(arrowGot[name].nullCount, name).toBe(arrowWant[name].nullCount);
        expect(arrowGot[name].toArray(), name).toEqual(arrowWant[name].toArray());
      }
    }
  });

  it('writes the footer the writer writes, but for the offsets: schema, key-value metadata (ARROW:schema), row groups', () => {
    const { encoded, spliced } = bothWays(140_000);
    const got = readFooter(spliced!)!.meta;
    const want = readFooter(encoded)!.meta;
    expect(columnNames(got)).toEqual(silverLogs.columns.map((c) => c.name));
    for (const id of [1, 2, 3, 5, 6, 7])
      expect(
        got.fields.find((f) => f.id === id),
        `field ${id}`,
      ).toEqual(want.fields.find((f) => f.id === id));
    const groups = (m: typeof got) => (m.fields.find((f) => f.id === 4)!.value as { items: { fields: { id: number; value: unknown }[] }[] }).items;
    expect(groups(got).map((g) => g.fields.find((f) => f.id === 3)!.value)).toEqual([131_072n, 8_928n]);
    expect(groups(got).map((g) => g.fields.find((f) => f.id === 3)!.value)).toEqual(groups(want).map((g) => g.fields.find((f) => f.id === 3)!.value));
  });

  it('refuses sources whose row groups differ (the caller then encodes the columns)', () => {
    const bronze = bronzePart(10);
    const computed = computedColumns(bronzePart(12));
    const sources = [encodeParquet(bronzeLogs, bronze), encodeParquet(specOf(Object.keys(computed)), { rows: 12, columns: computed })].map((bytes) => ({
      bytes,
      footer: readFooter(bytes)!,
    }));
    expect(spliceParquet(emptyLayout(), sources, (name) => (name in computed ? 1 : 0))).toBeUndefined();
    // A column no source has.
    expect(spliceParquet(emptyLayout(), sources.slice(0, 1), () => 0)).toBeUndefined();
    // A column of another type in the source than in the layout (status as float64 in the source).
    const retyped = encodeParquet(
      { path: bronzeLogs.path, columns: bronzeLogs.columns.map((c) => (c.name === 'status' ? { ...c, type: 'float64' as const } : c)) },
      bronze,
    );
    const sameRows = computedColumns(bronze);
    const computedBytes = encodeParquet(specOf(Object.keys(sameRows)), { rows: 10, columns: sameRows });
    const withRetyped = [retyped, computedBytes].map((bytes) => ({ bytes, footer: readFooter(bytes)! }));
    expect(spliceParquet(emptyLayout(), withRetyped, (name) => (name in sameRows ? 1 : 0))).toBeUndefined();
    const withBronze = [encodeParquet(bronzeLogs, bronze), computedBytes].map((bytes) => ({ bytes, footer: readFooter(bytes)! }));
    expect(spliceParquet(emptyLayout(), withBronze, (name) => (name in sameRows ? 1 : 0))).toBeDefined();
  });

  it('reads and writes back a footer bit for bit (Thrift compact)', () => {
    const bytes = encodeParquet(silverLogs, { rows: 200_000, columns: { ...bronzePart(200_000).columns, ...computedColumns(bronzePart(200_000)) } });
    const footer = readFooter(bytes)!;
    const original = bytes.subarray(footer.start, bytes.length - 8);
    const { struct, end } = readStruct(bytes, footer.start);
    expect(end).toBe(bytes.length - 8);
    expect(Buffer.from(writeStruct(struct)).equals(Buffer.from(original))).toBe(true);
  });
});
