import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type _Record,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-kinesis';

/** What a batch handler says back: like ReportBatchItemFailures, the first record to deliver again (if any). */
export interface PollerBatchResult {
  failedSequenceNumber?: string | undefined;
}

export interface KinesisPollerOptions {
  client: KinesisClient;
  streamName: string;
  /** Names the consumer in logs and in its checkpoint file. */
  name: string;
  handle(shardId: string, records: _Record[]): Promise<PollerBatchResult>;
  /** Records per batch (the event source mapping's BatchSize). @default 100 */
  batchSize?: number;
  /** Wait between polls of an idle shard. @default 200 */
  idleMs?: number;
  /** Deliveries of the same failing record before it is given up (MaximumRetryAttempts). @default 3 */
  maxRetryAttempts?: number;
  /** Durable checkpoints (a JSON file); null keeps them in memory (ephemeral stacks start at TRIM_HORIZON). */
  checkpointFile?: string | null;
  /**
   * `true`: a batch is checkpointed when its handler returns (Lambda's event source mapping). `false`: the consumer
   * calls `commit()` itself once the data is durable (the lake writer, after a flush). @default true
   */
  autoCheckpoint?: boolean;
  /** Records given up after the retries (the on-failure destination in AWS). */
  onDiscard?(shardId: string, record: _Record, reason: string): void;
  log?: (line: string) => void;
}

export interface KinesisPoller {
  /** Marks everything up to `sequenceNumber` on `shardId` as done (durable when a checkpoint file is set). */
  commit(shardId: string, sequenceNumber: string): void;
  /** Resolves once every shard has been read up to its tip at least once since the call. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Reads a kinesalite stream with the semantics of a Lambda event source mapping: one sequential reader per shard,
 * batches of up to `batchSize` records, a checkpoint per shard, and redelivery from the first failed record that the
 * handler reports (or of the whole batch when it throws), bounded by `maxRetryAttempts`.
 */
export async function startKinesisPoller(options: KinesisPollerOptions): Promise<KinesisPoller> {
  const { client, streamName, name } = options;
  const log = options.log ?? (() => {});
  const batchSize = options.batchSize ?? 100;
  const idleMs = options.idleMs ?? 200;
  const maxRetries = options.maxRetryAttempts ?? 3;
  const autoCheckpoint = options.autoCheckpoint ?? true;
  const checkpoints: Record<string, string> = readCheckpoints(options.checkpointFile ?? null);
  let stopped = false;
  const wakers = new Set<() => void>();
  const idleWaiters: { pending: Set<string>; resolve: () => void }[] = [];

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakers.add(done);
    });

  const commit = (shardId: string, sequenceNumber: string) => {
    const current = checkpoints[shardId];
    if (current && BigInt(current) >= BigInt(sequenceNumber)) return;
    checkpoints[shardId] = sequenceNumber;
    if (options.checkpointFile) writeCheckpoints(options.checkpointFile, checkpoints);
  };

  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
  const shardIds = Shards.map((s) => s.ShardId).filter((id): id is string => Boolean(id));

  const iteratorFrom = async (shardId: string, type: ShardIteratorType, sequenceNumber?: string) => {
    const out = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shardId,
        ShardIteratorType: type,
        ...(sequenceNumber ? { StartingSequenceNumber: sequenceNumber } : {}),
      }),
    );
    return out.ShardIterator ?? null;
  };
  const resume = (shardId: string) => {
    const at = checkpoints[shardId];
    return at ? iteratorFrom(shardId, 'AFTER_SEQUENCE_NUMBER', at) : iteratorFrom(shardId, 'TRIM_HORIZON');
  };

  const readShard = async (shardId: string) => {
    let iterator: string | null = null;
    const retries = new Map<string, number>();
    while (!stopped) {
      try {
        iterator ??= await resume(shardId);
        if (!iterator) return; // closed shard
        const out: GetRecordsCommandOutput = await client.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }),
        );
        const records = out.Records ?? [];
        if (records.length === 0) {
          for (const waiter of idleWaiters) waiter.pending.delete(shardId);
          settleIdle();
          iterator = out.NextShardIterator ?? null;
          if (!iterator) return;
          await sleep(idleMs);
          continue;
        }
        let failed: string | undefined;
        try {
          failed = (await options.handle(shardId, records)).failedSequenceNumber;
        } catch (error) {
          log(`${name}: batch on ${shardId} failed: ${(error as Error).message}`);
          failed = records[0]?.SequenceNumber;
        }
        if (failed === undefined) {
          const last = records.at(-1)?.SequenceNumber;
          if (autoCheckpoint && last) commit(shardId, last);
          iterator = out.NextShardIterator ?? null;
          continue;
        }
        const index = records.findIndex((r) => r.SequenceNumber === failed);
        const before = index > 0 ? records[index - 1]?.SequenceNumber : undefined;
        if (autoCheckpoint && before) commit(shardId, before);
        const attempts = (retries.get(failed) ?? 0) + 1;
        retries.set(failed, attempts);
        const failedRecord = records[Math.max(0, index)];
        if (attempts > maxRetries && failedRecord) {
          options.onDiscard?.(shardId, failedRecord, `failed ${attempts} deliveries`);
          log(`${name}: giving up record ${failed} on ${shardId} after ${attempts} deliveries`);
          retries.delete(failed);
          if (autoCheckpoint) commit(shardId, failed);
          iterator = await iteratorFrom(shardId, 'AFTER_SEQUENCE_NUMBER', failed);
        } else {
          iterator = await iteratorFrom(shardId, 'AT_SEQUENCE_NUMBER', failed);
          await sleep(Math.min(2000, 100 * 2 ** (attempts - 1)));
        }
      } catch (error) {
        if (stopped) return;
        log(`${name}: reading ${shardId} failed: ${(error as Error).message}`);
        iterator = null;
        await sleep(500);
      }
    }
  };

  function settleIdle() {
    for (let i = idleWaiters.length - 1; i >= 0; i--) {
      const waiter = idleWaiters[i];
      if (waiter && waiter.pending.size === 0) {
        idleWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  const loops = shardIds.map((id) => readShard(id));
  log(`${name}: polling ${streamName} (${shardIds.length} shards)`);
  return {
    commit,
    idle: () => new Promise<void>((resolve) => idleWaiters.push({ pending: new Set(shardIds), resolve })),
    async stop() {
      stopped = true;
      for (const wake of [...wakers]) wake();
      await Promise.all(loops);
      for (const waiter of idleWaiters.splice(0)) waiter.resolve();
    },
  };
}

function readCheckpoints(file: string | null): Record<string, string> {
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

function writeCheckpoints(file: string, checkpoints: Record<string, string>) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(checkpoints));
  renameSync(tmp, file);
}
