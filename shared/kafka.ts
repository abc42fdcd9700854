import { readFileSync } from 'node:fs';
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers, type Message, type MessagesStream } from '@platformatic/kafka';
import type { Config } from './config';
import { BadInputError, ExternalServiceError } from './errors';

/**
 * The Kafka adapter (@platformatic/kafka, pure JS: docs/decisions.md 57): connection settings
 * from the config, a string producer, and a consumer-group stream with autocommit off, so the
 * caller commits offsets only after the writes they cover.
 */
export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  sasl?: { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string };
  tls?: { ca?: string };
}

export function kafkaSettings(config: Config, clientId: string): KafkaSettings {
  if (!config.kafkaBrokers?.length) throw new BadInputError('no Kafka brokers: set SENTINEL_KAFKA_BROKERS=host:port[,host:port]');
  const { kafkaSaslMechanism: mechanism, kafkaSaslUsername: username, kafkaSaslPassword: password } = config;
  const saslParts = [mechanism, username, password].filter(Boolean).length;
  if (saslParts !== 0 && saslParts !== 3)
    throw new BadInputError('Kafka SASL needs all of SENTINEL_KAFKA_SASL_MECHANISM, SENTINEL_KAFKA_SASL_USERNAME and SENTINEL_KAFKA_SASL_PASSWORD');
  let tls: KafkaSettings['tls'];
  if (config.kafkaTls || config.kafkaTlsCaFile) {
    try {
      tls = config.kafkaTlsCaFile ? { ca: readFileSync(config.kafkaTlsCaFile, 'utf8') } : {};
    } catch (err) {
      throw new BadInputError(`cannot read SENTINEL_KAFKA_TLS_CA_FILE ${config.kafkaTlsCaFile}: ${(err as Error).message}`, { cause: err });
    }
  }
  return {
    brokers: config.kafkaBrokers,
    clientId,
    ...(mechanism && username && password ? { sasl: { mechanism, username, password } } : {}),
    ...(tls ? { tls } : {}),
  };
}

const connection = (s: KafkaSettings) => ({
  clientId: s.clientId,
  bootstrapBrokers: s.brokers,
  ...(s.sasl ? { sasl: s.sasl } : {}),
  ...(s.tls ? { tls: s.tls } : {}),
});

/**
 * The cluster as its brokers describe it (a metadata request, with the TLS and SASL settings every
 * client uses): `sentinel check`'s proof that the brokers are Kafka and accept us, within `timeoutMs`.
 */
export async function describeCluster(settings: KafkaSettings, timeoutMs = 5_000): Promise<{ clusterId: string; brokers: number }> {
  const admin = new Admin({ ...connection(settings), timeout: timeoutMs, retries: 0 });
  try {
    const metadata = await admin.metadata({ topics: [] });
    return { clusterId: metadata.id, brokers: metadata.brokers.size };
  } catch (err) {
    throw new ExternalServiceError(`Kafka at ${settings.brokers.join(',')} did not answer a metadata request: ${(err as Error).message}`, { cause: err });
  } finally {
    await admin.close().catch(() => undefined);
  }
}

export interface OutgoingRecord {
  topic: string;
  key?: string;
  value: string;
  headers?: Record<string, string>;
  /** Event time in epoch ms (the record's CreateTime). */
  timestamp?: number;
  /** A partition of its own choosing (default: by key). */
  partition?: number;
}

export interface KafkaProducer {
  send(records: readonly OutgoingRecord[]): Promise<void>;
  close(): Promise<void>;
}

export function openProducer(settings: KafkaSettings): KafkaProducer {
  const producer = new Producer({ ...connection(settings), serializers: stringSerializers, autocreateTopics: true, acks: -1 });
  return {
    async send(records) {
      if (!records.length) return;
      try {
        await producer.send({
          messages: records.map((r) => ({
            topic: r.topic,
            key: r.key,
            value: r.value,
            headers: r.headers,
            ...(r.timestamp !== undefined ? { timestamp: BigInt(r.timestamp) } : {}),
            ...(r.partition !== undefined ? { partition: r.partition } : {}),
          })),
        });
      } catch (err) {
        throw new ExternalServiceError(`Kafka produce to ${settings.brokers.join(',')} failed: ${(err as Error).message}`, { cause: err });
      }
    },
    close: () => producer.close(),
  };
}

export type KafkaMessage = Message<string, string, string, string>;

export interface ConsumerGroupStream {
  /** The current message stream (replaced by `restart`). */
  readonly stream: MessagesStream<string, string, string, string>;
  /** Commits, per partition, the offset after the last of these messages (a no-op for none). */
  commit(messages: readonly KafkaMessage[]): Promise<void>;
  /** Commits these next offsets (partition → the first offset not yet covered by our writes). */
  commitOffsets(topic: string, next: ReadonlyMap<number, number>): Promise<void>;
  /** The partitions of the topic assigned to this member now. */
  assigned(topic: string): number[];
  /**
   * Rebalances: `rebalancing` when the group asks its members to rejoin, `assigned` when this member
   * has its new assignment (partitions kept as well as new ones may have moved in between).
   */
  onRebalance(listener: { rebalancing(): void; assigned(): void }): void;
  /**
   * A new message stream from the committed offsets of the current assignment, and the old one
   * closed: messages the old stream fetched before the rebalance (buffered, or still in flight)
   * never reach the new one. The new stream is opened before the old is closed, so the member
   * keeps its subscription and does not rejoin the group.
   */
  restart(): Promise<void>;
  /** Records not yet consumed, per `topic:partition` (log end minus committed offset). */
  lag(topic: string): Promise<Map<string, number>>;
  close(): Promise<void>;
}

export interface ConsumerGroupOptions {
  group: string;
  topic: string;
  /** Where a group without committed offsets starts. */
  from: 'earliest' | 'latest';
  maxWaitMs?: number;
}

/** How long to keep retrying the first consume(): a member of a group that just died still holds the partitions until its session times out. */
const CONSUME_RETRY_MS = 60_000;

export async function openConsumerGroup(settings: KafkaSettings, options: ConsumerGroupOptions): Promise<ConsumerGroupStream> {
  const consumer = new Consumer({
    ...connection(settings),
    groupId: options.group,
    deserializers: stringDeserializers,
    // Autocommit off (the library's default commits on fetch): offsets follow our writes.
    autocommit: false,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    rebalanceTimeout: 10_000,
    maxWaitTime: options.maxWaitMs ?? 200,
    autocreateTopics: true,
  });
  const started = Date.now();
  let stream: MessagesStream<string, string, string, string> | undefined;
  for (let attempt = 1; !stream; attempt++) {
    try {
      stream = await consumer.consume({ topics: [options.topic], mode: 'committed', fallbackMode: options.from, autocommit: false });
    } catch (err) {
      // After a fast restart the group is still rebalancing or the topic is being created: retry.
      if (Date.now() - started > CONSUME_RETRY_MS) {
        await closeConsumer(consumer);
        throw new ExternalServiceError(
          `Kafka consume of ${options.topic} (group ${options.group}) failed after ${attempt} attempts: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(2000, 200 * attempt)));
    }
  }
  let consuming = stream;
  return {
    get stream() {
      return consuming;
    },
    async commit(messages) {
      const last = new Map<number, KafkaMessage>();
      for (const m of messages) {
        const prev = last.get(m.partition);
        if (!prev || prev.offset < m.offset) last.set(m.partition, m);
      }
      await Promise.all([...last.values()].map((m) => m.commit()));
    },
    async commitOffsets(topic, next) {
      if (!next.size) return;
      // leaderEpoch -1: "unknown", which the broker accepts; the offset may be behind the last message consumed.
      const offsets = [...next].map(([partition, offset]) => ({ topic, partition, offset: BigInt(offset), leaderEpoch: -1 }));
      try {
        await consumer.commit({ offsets });
      } catch (err) {
        throw new ExternalServiceError(`Kafka offset commit for group ${options.group} failed: ${(err as Error).message}`, { cause: err });
      }
    },
    assigned(topic) {
      return consumer.assignments?.find((a) => a.topic === topic)?.partitions ?? [];
    },
    onRebalance(listener) {
      consumer.on('consumer:group:rebalance', () => listener.rebalancing());
      consumer.on('consumer:group:join', () => listener.assigned());
    },
    async restart() {
      const old = consuming;
      try {
        consuming = await consumer.consume({ topics: [options.topic], mode: 'committed', fallbackMode: options.from, autocommit: false });
      } catch (err) {
        throw new ExternalServiceError(`Kafka consume of ${options.topic} (group ${options.group}) after a rebalance failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      await old.close().then(undefined, () => undefined);
    },
    async lag(topic) {
      const lags = await consumer.getLag({ topics: [topic] });
      const out = new Map<string, number>();
      for (const [t, perPartition] of lags) for (const [p, v] of perPartition.entries()) out.set(`${t}:${p}`, Math.max(0, Number(v)));
      return out;
    },
    async close() {
      await consuming.close().then(undefined, () => undefined);
      await closeConsumer(consumer);
    },
  };
}

/** Force-close (leave the group now rather than after the session timeout); errors on the way out are not the caller's. */
function closeConsumer(consumer: Consumer<string, string, string, string>): Promise<void> {
  return new Promise((resolve) => consumer.close(true, () => resolve()));
}
