/**
 * A JSON record's fields → the keys each may come under, in order: the first present and not null
 * is the field's value. The one list of them: the byte path (./jsonRow) reads it; parseJsonLine
 * (./records) spells the same keys out as property loads for speed, and
 * tasks/ingest/ingestBuffer.test.ts checks every alias through both.
 */
export const FIELD_ALIASES = {
  ts: ['ts', 'timestamp', '@timestamp', 'time', 'datetime'],
  level: ['level', 'severity', 'lvl', 'loglevel'],
  service: ['service', 'app', 'application', 'component', 'logger'],
  message: ['message', 'msg', 'content', 'log'],
  host: ['host', 'hostname', 'node'],
  user_id: ['user_id', 'user', 'uid'],
  session_id: ['session_id', 'session'],
  trace_id: ['trace_id', 'traceId', 'request_id'],
  label: ['label'],
  latency_ms: ['latency_ms', 'duration_ms', 'latency', 'elapsed_ms'],
  status: ['status', 'status_code', 'http_status'],
} as const;
