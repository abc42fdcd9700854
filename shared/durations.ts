import { BadInputError } from './errors';

/** `30s`, `5m`, `1h` → seconds (`features --window/--session-gap/--allowed-lateness`, `stream`). */
export function parseSpan(text: string, option: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(text.trim());
  if (!m) throw new BadInputError(`invalid ${option} "${text}": use e.g. 30s, 1m, 5m, 1h`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
}
