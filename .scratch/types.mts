import { readFileSync, readdirSync } from 'node:fs';
import * as parquetWasm from 'parquet-wasm';
import { tableFromIPC } from 'apache-arrow';
const dir = '/tmp/perf/lake/silver/logs/date=2026-02-02/';
const f = readdirSync(dir).find((x) => x.endsWith('.parquet'))!;
const t = tableFromIPC(parquetWasm.readParquet(readFileSync(dir + f), { batchSize: 131072 }).intoIPCStream());
for (const field of t.schema.fields) { const v = t.getChild(field.name)!; console.log(field.name, String(field.type), 'chunks', v.data.length, 'dict0 len', v.data[0].dictionary?.length, 'values', v.data[0].values?.constructor.name, 'offset', v.data[1]?.offset); }
