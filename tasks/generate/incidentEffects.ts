import { MINUTES_PER_DAY } from './dayClock';
import type { PlannedAnomaly } from './anomalies';
import type { MessageTemplate } from './messages';
import type { NovelTemplate } from './novelMessages';

/**
 * How planned anomalies change one service's traffic in one minute. The engine looks this up per
 * (service, minute), so the per-record cost of anomalies is one array read.
 */
export interface MinuteEffect {
  /** Multiplier of the expected record count. */
  volume: number;
  /** Replaces the service's normal error share when set. */
  errorShare: number | undefined;
  dominantError: MessageTemplate | undefined;
  /** Multiplier of every latency. */
  latency: number;
  novel: NovelTemplate | undefined;
  novelPerMinute: number;
}

/** effects[serviceIndex][minute], undefined where nothing is injected. */
export type EffectTable = (MinuteEffect | undefined)[][];

export function effectTable(anomalies: readonly PlannedAnomaly[], serviceCount: number): EffectTable {
  const table: EffectTable = Array.from({ length: serviceCount }, () => new Array<MinuteEffect | undefined>(MINUTES_PER_DAY));
  for (const a of anomalies) {
    if (a.type === 'unusual_sequence') continue; // injected as whole sessions, not per minute
    for (let m = a.startMinute; m < a.endMinute; m++) {
      const e = table[a.serviceIndex][m] ?? { volume: 1, errorShare: undefined, dominantError: undefined, latency: 1, novel: undefined, novelPerMinute: 0 };
      table[a.serviceIndex][m] = e;
      if (a.type === 'volume_spike' || a.type === 'traffic_drop') e.volume *= a.magnitude;
      else if (a.type === 'error_burst') {
        e.errorShare = a.magnitude;
        e.dominantError = a.dominantError;
      } else if (a.type === 'latency_degradation') e.latency *= a.magnitude;
      else if (a.type === 'new_template') {
        e.novel = a.novel;
        e.novelPerMinute = a.magnitude;
      }
    }
  }
  return table;
}
