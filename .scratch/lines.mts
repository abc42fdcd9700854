import { openStore } from '../shared/store/openStore';
import { readPartition } from '../shared/lake';
import { silverLogs } from '../shared/schemas';
const [lake, date, svc, from, to, level] = process.argv.slice(2);
for await (const b of readPartition(openStore(lake), silverLogs, date, undefined, ['ts', 'service', 'level', 'message', 'session_id'])) {
  const ts = b.columns.ts as Float64Array;
  for (let i = 0; i < b.rows; i++) {
    const t = new Date(ts[i]).toISOString().slice(11, 19);
    if (b.columns.service[i] !== svc || t < from || t > to || (level && b.columns.level[i] !== level)) continue;
    console.log(t, b.columns.level[i], b.columns.session_id[i], String(b.columns.message[i]).slice(0, 110));
  }
}
