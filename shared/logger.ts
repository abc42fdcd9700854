import pino, { type Logger } from 'pino';
import { createRequire } from 'node:module';

export type { Logger };

/**
 * One logger for every step: JSON lines on stderr (stdout is reserved for the step's result, which
 * Airflow's DockerOperator reads as XCom), human-readable on a TTY when pino-pretty is installed.
 * Secrets are redacted by key, and URLs are logged through `redactUrl`.
 */
const REDACT_PATHS = [
  'databaseUrl',
  '*.databaseUrl',
  'password',
  '*.password',
  'secretAccessKey',
  '*.secretAccessKey',
  'webhookUrl',
  '*.webhookUrl',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'token',
  '*.token',
];

function prettyStream(): pino.DestinationStream | undefined {
  if (!process.stderr.isTTY || process.env.SENTINEL_LOG_JSON === '1') return undefined;
  try {
    const require = createRequire(import.meta.url);
    const pretty = require('pino-pretty') as (o: object) => pino.DestinationStream;
    return pretty({ destination: 2, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' });
  } catch {
    return undefined; // production images ship without dev dependencies: plain JSON is fine there
  }
}

export function createLogger(level = 'info', bindings: Record<string, unknown> = {}): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: bindings,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return pino(options, prettyStream() ?? pino.destination({ fd: 2, sync: true }));
}

/**
 * `postgres://user:pw@host/db` → `postgres://user:***@host/db`; webhook paths carry tokens, so hide
 * them too. A URL without `scheme://` (`user:pw@host:5432/db`) is not parsed as one by WHATWG URL
 * (the "scheme" would be `user:`), so its credentials are masked by pattern.
 */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url.replace(/^([^:@/\s]*):.*@/, '$1:***@');
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    if (u.protocol.startsWith('http') && u.pathname.length > 1) u.pathname = '/***';
    u.search = '';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}
