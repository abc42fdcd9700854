import type { Batch, ColumnData, TableSpec } from './parquet';

/**
 * Collects rows (plain objects keyed by column name) into columnar batches of at most `maxRows`,
 * so steps can stream a partition of any size with bounded memory.
 */
export class BatchBuilder<Row extends object = Record<string, unknown>> {
  private columns: Record<string, unknown[]> = {};
  private count = 0;

  constructor(
    private readonly spec: TableSpec,
    private readonly maxRows: number,
  ) {
    this.reset();
  }

  private reset() {
    this.columns = Object.fromEntries(this.spec.columns.map((c) => [c.name, []]));
    this.count = 0;
  }

  get rows(): number {
    return this.count;
  }

  /** Adds a row; returns a full batch when `maxRows` is reached. */
  push(row: Row): Batch | undefined {
    for (const c of this.spec.columns) this.columns[c.name].push((row as Record<string, unknown>)[c.name] ?? null);
    this.count++;
    return this.count >= this.maxRows ? this.flush() : undefined;
  }

  flush(): Batch {
    const batch: Batch = { rows: this.count, columns: this.columns as Record<string, ColumnData> };
    this.reset();
    return batch;
  }
}

/** Row i of a batch as an object (for small tables and tests). */
export function batchRow(batch: Batch, i: number): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [name, values] of Object.entries(batch.columns)) row[name] = values[i];
  return row;
}

export function batchRows(batch: Batch): Record<string, unknown>[] {
  return Array.from({ length: batch.rows }, (_, i) => batchRow(batch, i));
}
