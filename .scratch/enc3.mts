import { readFileSync, readdirSync } from 'node:fs';
import * as parquetWasm from 'parquet-wasm';
import { tableToIPC, tableFromIPC } from 'apache-arrow';
for (const dir of ['/tmp/perf/lake/silver/logs/date=2026-02-02/', '/tmp/perf/lake/bronze/logs/date=2026-02-02/']) {
  const f = readdirSync(dir).find((x) => x.endsWith('.parquet'))!;
  const ipc = parquetWasm.readParquet(readFileSync(dir + f), { batchSize: 131072 }).intoIPCStream();
  const table = tableFromIPC(ipc);
  for (let r = 0; r < 3; r++) {
    let t = performance.now();
    const ipcBytes = tableToIPC(table, 'stream');
    const a = performance.now() - t; t = performance.now();
    const out = parquetWasm.writeParquet(parquetWasm.Table.fromIPCStream(ipcBytes), new parquetWasm.WriterPropertiesBuilder().setCompression(parquetWasm.Compression.ZSTD).setMaxRowGroupSize(131072).build());
    console.log(dir.split('/')[4], 'toIPC', a.toFixed(0), 'writeParquet', (performance.now() - t).toFixed(0), 'ms');
  }
}
