import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { getJson, putJson, type ObjectStore } from '../../shared/store/objectStore';
import type { LandingLine } from './processor';

const gzipAsync = promisify(gzip);

/**
 * Micro-batches → gzip JSONL parts in the landing zone, where the daily `ingest` reads them like any
 * other file: `landing/date=D/stream-<topic>-p<partition>-<first offset>-<last offset>.jsonl.gz`.
 *
 * Exactly once in the lake, with at-least-once delivery: a cursor per partition
 * (`state/stream/landing/<topic>/p<P>.json`, the last offset landed) is written after the part it
 * covers, and records at or below it are never landed again. A crash between a part and its cursor
 * leaves a part above the cursor; the first write of that partition and date after a restart removes
 * it before writing the re-delivered records (which may now be cut into different parts).
 */
const pad = (offset: number) => String(offset).padStart(12, '0');
const safeTopic = (topic: string) => topic.replace(/[^A-Za-z0-9._-]/g, '_');

export function partPrefix(topic: string, date: string, partition: number): string {
  return `landing/date=${date}/stream-${safeTopic(topic)}-p${partition}-`;
}

export function partKey(topic: string, date: string, partition: number, first: number, last: number): string {
  return `${partPrefix(topic, date, partition)}${pad(first)}-${pad(last)}.jsonl.gz`;
}

const firstOffsetOf = (key: string) => Number(/-(\d{12})-\d{12}\.jsonl\.gz$/.exec(key)?.[1] ?? Number.NaN);

export class LandingWriter {
  /** Partition → last offset landed (the cursor). */
  private readonly landed = new Map<number, number>();
  /** `partition/date` pairs whose leftovers from a crashed run were removed. */
  private readonly cleaned = new Set<string>();

  constructor(
    private readonly lake: ObjectStore,
    private readonly topic: string,
  ) {}

  private cursorKey(partition: number): string {
    return `state/stream/landing/${safeTopic(this.topic)}/p${partition}.json`;
  }

  private async cursor(partition: number): Promise<number> {
    let at = this.landed.get(partition);
    if (at === undefined) {
      at = (await getJson<{ through: number }>(this.lake, this.cursorKey(partition)))?.through ?? -1;
      this.landed.set(partition, at);
    }
    return at;
  }

  /** Lands the lines not landed before; returns the part keys written and the lines they hold. */
  async write(lines: readonly LandingLine[]): Promise<{ parts: string[]; lines: number; skipped: number }> {
    const groups = new Map<string, LandingLine[]>();
    let skipped = 0;
    for (const l of lines) {
      if (l.offset <= (await this.cursor(l.partition))) {
        skipped++;
        continue;
      }
      const key = `${l.partition}/${l.date}`;
      const g = groups.get(key);
      if (g) g.push(l);
      else groups.set(key, [l]);
    }
    const parts: string[] = [];
    let written = 0;
    const through = new Map<number, number>();
    await Promise.all(
      [...groups].map(async ([pairKey, group]) => {
        group.sort((a, b) => a.offset - b.offset);
        const { partition, date } = group[0];
        const first = group[0].offset;
        const last = group[group.length - 1].offset;
        if (!this.cleaned.has(pairKey)) {
          const cursor = await this.cursor(partition);
          const stale = (await this.lake.list(partPrefix(this.topic, date, partition))).filter((k) => firstOffsetOf(k) > cursor);
          if (stale.length) await this.lake.delete(stale);
          this.cleaned.add(pairKey);
        }
        const key = partKey(this.topic, date, partition, first, last);
        await this.lake.put(key, await gzipAsync(Buffer.from(group.map((l) => l.line).join('\n') + '\n', 'utf8'), { level: 1 }));
        parts.push(key);
        written += group.length;
        through.set(partition, Math.max(through.get(partition) ?? -1, last));
      }),
    );
    await Promise.all(
      [...through].map(async ([partition, last]) => {
        await putJson(this.lake, this.cursorKey(partition), { through: last });
        this.landed.set(partition, last);
      }),
    );
    return { parts: parts.sort(), lines: written, skipped };
  }
}
