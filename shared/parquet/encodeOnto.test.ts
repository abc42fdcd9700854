import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as parquetWasm from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { decodeParquet, toArrowStream, type WritableBatch } from '../parquet';
import { ParquetEncoder } from '../parquetEncoder';
import { bronzeLogs, silverLogs } from '../schemas';
import { encodeOnto } from './encodeOnto';
import { readFooter } from './spliceParts';
import { bronzePart, computedColumns } from './logParts.fixture';

// The worker is the bundled file; `make test` builds dist/ first (`npm run build`).
const workerUrl = new URL('../../dist/parquetWorker.mjs', import.meta.url);

const rowGroupRows = (bytes: Uint8Array) =>
  (readFooter(bytes)!.meta.fields.find((f) => f.id === 4)!.value as { items: { fields: { id: number; value: unknown }[] }[] }).items.map((g) =>
    Number(g.fields.find((f) => f.id === 3)!.value),
  );

describe('encodeOnto', () => {
  it("writes the very bytes the writer writes for the whole Silver part, from Bronze's bytes and the computed columns", async () => {
    expect(existsSync(fileURLToPath(workerUrl)), 'run `npm run build` first').toBe(true);
    for (const encoder of [new ParquetEncoder(), new ParquetEncoder(workerUrl)])
      for (const [n, normalized] of [
        [3, false],
        [2_000, true],
        [140_000, false], // two row groups
      ] as const) {
        const bronze = bronzePart(n, 3);
        const computed = computedColumns(bronze, normalized);
        const base = await encoder.encode(bronzeLogs, bronze);
        const spliced = await encodeOnto(encoder, silverLogs, { rows: n, columns: computed }, base, 'bronze part');
        const whole = await encoder.encode(silverLogs, { rows: n, columns: { ...bronze.columns, ...computed } });
        // Same writer, same settings, same values: the chunks taken from Bronze are the chunks it would encode.
        expect(Buffer.from(spliced).equals(Buffer.from(whole)), `${n} rows, ${encoder.usesWorker ? 'worker' : 'calling thread'}`).toBe(true);
      }
  });

  it("encodes the part whole from Bronze's decoded columns when Bronze's row groups are not the writer's", async () => {
    const n = 5_000;
    const bronze = bronzePart(n, 1);
    const computed = computedColumns(bronze, true);
    // Bronze written with 1,000-row row groups (another writer's setting): not spliceable onto 5,000-row ones.
    const props = new parquetWasm.WriterPropertiesBuilder().setCompression(parquetWasm.Compression.SNAPPY).setMaxRowGroupSize(1_000).build();
    const base = parquetWasm.writeParquet(parquetWasm.Table.fromIPCStream(toArrowStream(bronzeLogs, bronze)), props);
    expect(rowGroupRows(base)).toHaveLength(5);
    const encoder = new ParquetEncoder();
    const written = await encodeOnto(encoder, silverLogs, { rows: n, columns: computed }, base, 'bronze part');
    const silver: WritableBatch = { rows: n, columns: { ...bronze.columns, ...computed } };
    expect(rowGroupRows(written)).toEqual([n]);
    expect(decodeParquet(silverLogs, written)).toEqual(decodeParquet(silverLogs, await encoder.encode(silverLogs, silver)));
  });
});
