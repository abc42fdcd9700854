/**
 * Collects a few raw log lines per flagged window or session, for the explanation a person reads.
 * Lines whose level or template is interesting (errors, the templates the explanation names) are
 * preferred over routine ones; otherwise the first lines seen are kept.
 */
export interface SampleLine {
  ts: string;
  level: string;
  template_id: string;
  message: string;
}

interface Slot {
  lines: (SampleLine & { rank: number })[];
}

export class SampleLineCollector {
  private readonly slots = new Map<string, Slot>();

  constructor(
    keys: Iterable<string>,
    private readonly perKey = 3,
    private readonly interestingTemplates: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
  ) {
    for (const k of keys) this.slots.set(k, { lines: [] });
  }

  /** Whether lines of this key are collected at all (most lines of a partition belong to no anomaly). */
  wants(key: string): boolean {
    return this.slots.has(key);
  }

  /** `message` is read only for lines that are kept: most lines of a partition are never asked for theirs. */
  offer(key: string, line: { ts: number; level: string; template_id: string }, message: () => string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    const rank = (this.interestingTemplates.get(key)?.has(line.template_id) ? 2 : 0) + (line.level === 'ERROR' || line.level === 'FATAL' ? 1 : 0);
    if (slot.lines.length >= this.perKey && slot.lines[slot.lines.length - 1].rank >= rank) return;
    slot.lines.push({ ts: new Date(line.ts).toISOString(), level: line.level, template_id: line.template_id, message: message().slice(0, 500), rank });
    // Stable: equal ranks keep arrival (time) order.
    slot.lines.sort((a, b) => b.rank - a.rank);
    if (slot.lines.length > this.perKey) slot.lines.pop();
  }

  get(key: string): SampleLine[] {
    return (this.slots.get(key)?.lines ?? []).map(({ rank: _rank, ...l }) => l);
  }
}
