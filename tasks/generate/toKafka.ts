import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaProducer, OutgoingRecord } from '../../shared/kafka';
import { isMalformed, toJsonLine, type GeneratedLine } from './records';

/**
 * The generator's lines → a Kafka topic, at `rate` records per second (0: as fast as the broker
 * takes them), in batches. The key is the service, so one service's records stay in order on one
 * partition (the stream's windows and template ids rely on that order); a malformed line has none.
 */
export async function produceLines(
  producer: KafkaProducer,
  topic: string,
  lines: Iterable<GeneratedLine>,
  rate: number,
  onBatch?: (sent: number) => void,
): Promise<number> {
  const batchSize = rate > 0 ? Math.max(1, Math.min(5000, Math.round(rate / 20))) : 5000;
  const started = performance.now();
  let sent = 0;
  let batch: OutgoingRecord[] = [];
  const flush = async () => {
    if (rate > 0) {
      // Paced by the clock, not by sleeps of a fixed length, so the rate holds when sends are slow.
      const due = started + (sent / rate) * 1000;
      const ahead = due - performance.now();
      if (ahead > 0) await sleep(ahead);
    }
    await producer.send(batch);
    sent += batch.length;
    batch = [];
    onBatch?.(sent);
  };
  for (const line of lines) {
    batch.push({ topic, key: isMalformed(line) ? undefined : line.service, value: toJsonLine(line) });
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length) await flush();
  return sent;
}
