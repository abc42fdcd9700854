import type { Random } from '../../shared/random';
import type { GeneratedRecord, MalformedDefect, MalformedLine } from './records';
import { pick } from './sampling';

/**
 * Broken lines as real collectors produce them: a write cut off mid-line, a record missing a
 * required field, a timestamp nobody can parse, a stray line of a stack trace. Each is built from
 * a real record so it looks like its neighbours. Ingest must quarantine every one of them.
 */
const DEFECTS: readonly MalformedDefect[] = ['truncated_json', 'missing_timestamp', 'missing_message', 'bad_timestamp', 'not_json'];

const BAD_TIMESTAMPS = ['2026-13-45T25:61:00Z', 'not-a-timestamp', '', 'yesterday 25:99', '31/02/20xx'];

const STRAY_LINES = [
  '\tat com.shop.checkout.PaymentClient.charge(PaymentClient.java:214)',
  'Caused by: java.net.SocketTimeoutException: Read timed out',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
  '\u0000\u0000\u0000\u0000\u0000\u0000',
  '-----END CERTIFICATE-----',
];

export function corruptRecord(rng: Random, rec: GeneratedRecord, date: string): MalformedLine {
  const defect = pick(rng, DEFECTS);
  let raw: string;
  switch (defect) {
    case 'truncated_json': {
      const json = JSON.stringify(rec);
      // Any proper prefix of a JSON object is invalid JSON.
      raw = json.slice(0, 1 + rng.int(json.length - 2));
      break;
    }
    case 'missing_timestamp':
      raw = JSON.stringify({ ...rec, ts: undefined });
      break;
    case 'missing_message':
      raw = JSON.stringify({ ...rec, message: undefined });
      break;
    case 'bad_timestamp':
      raw = JSON.stringify({ ...rec, ts: pick(rng, BAD_TIMESTAMPS) });
      break;
    case 'not_json':
      raw = pick(rng, STRAY_LINES);
      break;
  }
  return { malformed: true, raw, date, defect };
}
