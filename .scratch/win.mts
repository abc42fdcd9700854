import { openStore } from '../shared/store/openStore';
import { readPartitionAll } from '../shared/lake';
import { goldWindows } from '../shared/schemas';
const [lake, date, svc, from, to] = process.argv.slice(2);
const w = await readPartitionAll(openStore(lake), goldWindows, date);
const ws = w.columns.window_start as Float64Array;
for (let i = 0; i < w.rows; i++) {
  if (w.columns.service[i] !== svc) continue;
  const t = new Date(ws[i]).toISOString().slice(11, 16);
  if (t < from || t > to) continue;
  console.log(t, ['count', 'error_count', 'warn_count', 'distinct_users', 'count_roll_z'].map((c) => `${c}=${(w.columns[c] as Float64Array)[i].toFixed(1)}`).join(' '));
}
