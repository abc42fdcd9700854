import { decodeParquetColumns, type TableSpec, type WritableBatch } from '../parquet';
import type { ParquetEncoder } from '../parquetEncoder';
import { readFooter, spliceParquet } from './spliceParts';
import type { ThriftStruct } from './thriftCompact';

/**
 * A part of `spec` from the columns in `batch`, encoded, and the table's other columns taken as
 * their column chunks' bytes from `base`, a Parquet file of the same rows that has them (written
 * by this project's writer with the same per-column settings): what `parse` writes instead of
 * decoding Bronze's twelve columns it does not change and encoding them again (decision 100).
 * The chunks are spliced row group by row group
 * (shared/parquet/spliceParts.ts), so `batch` is encoded with the writer's row-group size and
 * must give the row groups `base` has; when it does not (a base written with other row groups,
 * or not by this writer), the other columns are decoded from `base` and the part is encoded
 * whole, as `PartitionWriter.write` does. Either way the part reads back as the same table.
 * `into`: where a spliced part is written (a view of exactly the bytes asked for).
 */
export async function encodeOnto(
  encoder: ParquetEncoder,
  spec: TableSpec,
  batch: WritableBatch,
  base: Uint8Array,
  source: string,
  into?: (bytes: number) => Uint8Array,
): Promise<Uint8Array> {
  const computed: TableSpec = { path: spec.path, columns: spec.columns.filter((c) => c.name in batch.columns) };
  const [layout, encoded] = await Promise.all([layoutOf(encoder, spec), encoder.encode(computed, batch)]);
  const baseFooter = readFooter(base);
  const encodedFooter = readFooter(encoded);
  if (baseFooter && encodedFooter) {
    const sources = [
      { bytes: base, footer: baseFooter },
      { bytes: encoded, footer: encodedFooter },
    ];
    const spliced = spliceParquet(layout, sources, (name) => (name in batch.columns ? 1 : 0), into);
    if (spliced) return spliced;
  }
  const others: TableSpec = { path: spec.path, columns: spec.columns.filter((c) => !(c.name in batch.columns)) };
  const names = others.columns.map((c) => c.name);
  const read = await decodeParquetColumns(others, base, source, names, names);
  return encoder.encode(spec, { rows: batch.rows, columns: { ...read.arrow, ...batch.columns } });
}

/**
 * The footer the writer writes for an empty table of `spec`: the schema, key-value metadata
 * (ARROW:schema, which readers take the Arrow types from) and column orders of a spliced part.
 * Once per encoder and table.
 */
function layoutOf(encoder: ParquetEncoder, spec: TableSpec): Promise<ThriftStruct> {
  let bySpec = layouts.get(encoder);
  if (!bySpec) layouts.set(encoder, (bySpec = new WeakMap()));
  let layout = bySpec.get(spec);
  if (!layout) {
    const empty = { rows: 0, columns: Object.fromEntries(spec.columns.map((c) => [c.name, []])) };
    layout = encoder.encode(spec, empty).then((bytes) => readFooter(bytes)!.meta);
    bySpec.set(spec, layout);
    // A failed encoding is the caller's error, not this table's layout for the rest of the process.
    layout.catch(() => bySpec.delete(spec));
  }
  return layout;
}

const layouts = new WeakMap<ParquetEncoder, WeakMap<TableSpec, Promise<ThriftStruct>>>();
