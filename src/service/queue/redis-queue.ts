// The job queue on Redis, at least once. Producers RPUSH plain JSON onto `<queue>` as the platform always
// did. A worker claims with BLMOVE into its own processing list and holds a lease key that it renews while
// working; when a worker dies its lease expires and any worker's reclaimExpired() moves its jobs back.
//
// Keys (prefix = QUEUE_NAME, default drift_jobs):
//   <q>                       list   jobs waiting (producers RPUSH, workers take from the left)
//   <q>:processing:<worker>   list   jobs claimed by one worker process
//   <q>:lease:<worker>        string lease of that worker (PX TTL), renewed while it works
//   <q>:workers               set    worker ids that may own a processing list
//   <q>:priority              list   jobs pushed ahead of <q> (a user's only waiting job), taken first
//   <q>:delayed               zset   jobs released for a later retry (score = due time, ms)
//   <q>:attempts              hash   sha1(raw) → deliveries that ended unsettled (released, taken back)
//   <q>:dead                  list   dead letters, JSON {raw, reason, at, attempt}
//
// Worker ids must be unique per process (the worker appends a random suffix), so that a restarted worker
// never renews the lease of its previous life's jobs. Scripts compute key names: standalone Redis only.
import { createHash, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import {
  type ClaimedJob,
  type DeadLetter,
  type JobQueue,
  LeaseLostError,
  type QueueAdmin,
  type QueueDetails,
  type QueueStats,
} from "../ports.js";
import { connectRedis } from "./redis-connection.js";

// The queue's steps that must be atomic, as Lua scripts defined on the connection under these names.
const SCRIPTS = {
  ackJob: {
    keys: 2,
    lua: `local removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
if removed > 0 and ARGV[3] ~= '1' then redis.call('HDEL', KEYS[2], ARGV[2]) end
return removed`,
  },
  releaseJob: {
    keys: 4,
    lua: `local removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
if removed == 0 then return 0 end
if ARGV[4] == '1' then redis.call('HINCRBY', KEYS[4], redis.sha1hex(ARGV[1]), 1) end
local delay = tonumber(ARGV[2])
if delay <= 0 then
  redis.call('LPUSH', KEYS[2], ARGV[1])
else
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('ZADD', KEYS[3], now + delay, ARGV[3] .. ARGV[1])
end
return 1`,
  },
  promoteDueJobs: {
    keys: 2,
    lua: `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
for i = 1, #due do
  redis.call('ZREM', KEYS[1], due[i])
  redis.call('LPUSH', KEYS[2], string.sub(due[i], 17))
end
return #due`,
  },
  reclaimExpiredLeases: {
    keys: 3,
    lua: `local moved = 0
for _, w in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. ':lease:' .. w) == 0 then
    local proc = ARGV[1] .. ':processing:' .. w
    while true do
      local job = redis.call('LMOVE', proc, KEYS[2], 'RIGHT', 'LEFT')
      if not job then break end
      redis.call('HINCRBY', KEYS[3], redis.sha1hex(job), 1)
      moved = moved + 1
    end
    redis.call('SREM', KEYS[1], w)
  end
end
return moved`,
  },
  deadLetterJob: {
    keys: 3,
    lua: `if ARGV[4] == '1' then
  if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('HDEL', KEYS[3], ARGV[3])
return 1`,
  },
  heldBy: {
    keys: 2,
    lua: `if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('LPOS', KEYS[2], ARGV[1]) then return 1 end
return 0`,
  },
  renewLease: {
    keys: 3,
    lua: `redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
if redis.call('LPOS', KEYS[3], ARGV[3]) then return 1 end
return 0`,
  },
  countJobs: {
    keys: 5,
    lua: `local processing = 0
for _, w in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  processing = processing + redis.call('LLEN', ARGV[1] .. ':processing:' .. w)
end
local waiting = redis.call('LLEN', KEYS[1]) + redis.call('LLEN', KEYS[5])
return {waiting, redis.call('ZCARD', KEYS[2]), processing, redis.call('LLEN', KEYS[3])}`,
  },
  retryDeadLetters: {
    keys: 3,
    lua: `local n = 0
while n < tonumber(ARGV[1]) do
  local entry = redis.call('LPOP', KEYS[1])
  if not entry then break end
  local ok, decoded = pcall(cjson.decode, entry)
  local raw = entry
  if ok and type(decoded) == 'table' and type(decoded.raw) == 'string' then raw = decoded.raw end
  redis.call('HDEL', KEYS[3], redis.sha1hex(raw))
  redis.call('RPUSH', KEYS[2], raw)
  n = n + 1
end
return n`,
  },
  forgetIdleWorker: {
    keys: 3,
    lua: `if redis.call('LLEN', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[3], ARGV[1])
  return 1
end
return 0`,
  },
} as const;

type ScriptName = keyof typeof SCRIPTS;
type ScriptFn = (...args: (string | number | Buffer)[]) => Promise<unknown>;

export type { DeadLetter, QueueDetails } from "../ports.js";

export function jobHash(raw: string): string {
  return createHash("sha1").update(raw).digest("hex");
}

export interface RedisQueueOptions {
  url: string;
  queueName?: string;
  log?: Logger;
}

export class RedisJobQueue implements JobQueue, QueueAdmin {
  readonly queueName: string;
  readonly redis: Redis;
  private readonly blocking: Redis;
  private readonly held = new Map<string, string[]>();
  private suspectOrphans = false;
  private claimChain: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(options: RedisQueueOptions) {
    this.queueName = options.queueName ?? "drift_jobs";
    this.redis = connectRedis(options.url, { name: `driftline:${this.queueName}`, log: options.log });
    this.blocking = connectRedis(options.url, {
      name: `driftline:${this.queueName}:claim`,
      log: options.log,
    });
    // A BLMOVE cut off by a disconnect may have moved a job whose reply never arrived (and ioredis resends
    // it): check the processing list for jobs nobody holds before the next claim.
    this.blocking.on("close", () => {
      this.suspectOrphans = true;
    });
    for (const [name, def] of Object.entries(SCRIPTS)) {
      this.redis.defineCommand(name, { numberOfKeys: def.keys, lua: def.lua });
    }
  }

  private key(suffix: string): string {
    return `${this.queueName}:${suffix}`;
  }
  private proc(workerId: string): string {
    return this.key(`processing:${workerId}`);
  }
  private lease(workerId: string): string {
    return this.key(`lease:${workerId}`);
  }
  private script(name: ScriptName, ...args: (string | number | Buffer)[]): Promise<unknown> {
    return (this.redis as unknown as Record<ScriptName, ScriptFn>)[name](...args);
  }

  async push(raw: string, options: { priority?: boolean } = {}): Promise<void> {
    await this.redis.rpush(options.priority ? this.key("priority") : this.queueName, raw);
  }

  /** RPUSH onto another list (RESULTS_QUEUE follow-up messages). */
  async pushToList(list: string, raw: string): Promise<void> {
    await this.redis.rpush(list, raw);
  }

  claim(workerId: string, leaseMs: number, waitMs: number): Promise<ClaimedJob | null> {
    // One claim at a time per queue object: the orphan check needs to know no BLMOVE is in flight.
    const run = this.claimChain.then(() => this.claimNow(workerId, leaseMs, waitMs));
    this.claimChain = run.catch(() => undefined);
    return run;
  }

  private async claimNow(workerId: string, leaseMs: number, waitMs: number): Promise<ClaimedJob | null> {
    if (this.closed) throw new Error("queue is closed");
    if (!this.held.has(workerId)) this.held.set(workerId, []);
    if (this.suspectOrphans) await this.recoverOrphans(workerId);
    await this.script("promoteDueJobs", this.key("delayed"), this.queueName, 100);
    // Lease first: a crash right after BLMOVE still leaves a lease that expires and frees the job.
    await this.redis
      .multi()
      .set(this.lease(workerId), "1", "PX", Math.ceil(leaseMs + waitMs + 1000))
      .sadd(this.key("workers"), workerId)
      .exec();
    // As bytes: a message that is not UTF-8 would come back as text with U+FFFD, which LREM never finds.
    // Jobs pushed with priority first (not blocking: one waits at most a poll when only those arrive).
    const bytes =
      (await this.redis.lmoveBuffer(this.key("priority"), this.proc(workerId), "LEFT", "RIGHT")) ??
      (waitMs > 0
        ? await this.blocking.blmoveBuffer(
            this.queueName,
            this.proc(workerId),
            "LEFT",
            "RIGHT",
            (waitMs / 1000).toFixed(3),
          )
        : await this.redis.lmoveBuffer(this.queueName, this.proc(workerId), "LEFT", "RIGHT"));
    if (bytes === null) return null;
    const raw = utf8Text(bytes);
    if (raw === null) {
      await this.deadLetterBytes(workerId, bytes);
      return null;
    }
    this.hold(workerId, raw);
    // Attempts are counted when a delivery ends unsettled, not when it starts: two identical copies claimed
    // together are both attempt 1 (counting at claim made the second look like a retry of the first).
    const before = Number((await this.redis.hget(this.key("attempts"), jobHash(raw))) ?? 0);
    return { raw, attempt: before + 1, receipt: workerId };
  }

  /** Moves a claimed message that is not UTF-8 from the processing list to :dead (its bytes in base64). */
  private async deadLetterBytes(workerId: string, bytes: Buffer): Promise<void> {
    const entry: DeadLetter = {
      raw: bytes.toString("base64"),
      reason: `job is not valid UTF-8 (${bytes.length} bytes; raw holds them in base64)`,
      at: new Date().toISOString(),
      attempt: 1,
    };
    const moved = await this.script(
      "deadLetterJob",
      this.proc(workerId),
      this.key("dead"),
      this.key("attempts"),
      bytes,
      JSON.stringify(entry),
      "",
      "1",
    );
    if (moved !== 1)
      throw new Error(`queue ${this.queueName}: a non-UTF-8 job was not in ${this.proc(workerId)}`);
  }

  private hold(workerId: string, raw: string): void {
    const list = this.held.get(workerId) ?? [];
    list.push(raw);
    this.held.set(workerId, list);
  }

  private unhold(job: ClaimedJob): void {
    const list = this.held.get(job.receipt);
    const i = list ? list.indexOf(job.raw) : -1;
    if (list && i >= 0) list.splice(i, 1);
  }

  private async recoverOrphans(workerId: string): Promise<void> {
    this.suspectOrphans = false;
    const inList = await this.redis.lrangeBuffer(this.proc(workerId), 0, -1);
    const held = [...(this.held.get(workerId) ?? [])];
    for (const bytes of inList) {
      const raw = utf8Text(bytes);
      if (raw === null) {
        await this.deadLetterBytes(workerId, bytes);
        continue;
      }
      const i = held.indexOf(raw);
      if (i >= 0) held.splice(i, 1);
      else await this.releaseScript(workerId, raw, 0, "", false);
    }
  }

  async renew(job: ClaimedJob, leaseMs: number): Promise<void> {
    const still = await this.script(
      "renewLease",
      this.lease(job.receipt),
      this.key("workers"),
      this.proc(job.receipt),
      Math.ceil(leaseMs),
      job.receipt,
      job.raw,
    );
    if (still !== 1) {
      throw new LeaseLostError(
        `lease of worker ${job.receipt} expired and its job was reclaimed; another worker may run it too`,
      );
    }
  }

  async ack(job: ClaimedJob, options: { copy?: boolean } = {}): Promise<void> {
    this.unhold(job);
    const removed = await this.script(
      "ackJob",
      this.proc(job.receipt),
      this.key("attempts"),
      job.raw,
      jobHash(job.raw),
      options.copy ? "1" : "0",
    );
    if (Number(removed) === 0) throw this.notHeld(job, "ack");
  }

  async release(job: ClaimedJob, delayMs: number): Promise<void> {
    this.unhold(job);
    const nonce = randomBytes(8).toString("hex");
    const removed = await this.releaseScript(job.receipt, job.raw, delayMs, nonce, true);
    if (Number(removed) === 0) throw this.notHeld(job, "release");
  }

  private releaseScript(workerId: string, raw: string, delayMs: number, nonce: string, count: boolean) {
    return this.script(
      "releaseJob",
      this.proc(workerId),
      this.queueName,
      this.key("delayed"),
      this.key("attempts"),
      raw,
      Math.max(0, Math.round(delayMs)),
      nonce,
      count ? "1" : "0",
    );
  }

  /** LREM found nothing: the lease lapsed and the job went back to the queue (another worker may have it). */
  private notHeld(job: ClaimedJob, what: string): LeaseLostError {
    return new LeaseLostError(
      `${what}: the job was no longer in ${this.proc(job.receipt)} (its lease expired and it was taken back)`,
    );
  }

  async heldBy(workerId: string, raw: string): Promise<boolean> {
    return Number(await this.script("heldBy", this.lease(workerId), this.proc(workerId), raw)) === 1;
  }

  async deadLetter(job: ClaimedJob | { raw: string }, reason: string): Promise<void> {
    const claimed = "receipt" in job;
    if (claimed) this.unhold(job);
    const entry: DeadLetter = {
      raw: job.raw,
      reason,
      at: new Date().toISOString(),
      attempt: claimed ? job.attempt : null,
    };
    const moved = await this.script(
      "deadLetterJob",
      claimed ? this.proc(job.receipt) : this.key("none"),
      this.key("dead"),
      this.key("attempts"),
      job.raw,
      JSON.stringify(entry),
      jobHash(job.raw),
      claimed ? "1" : "0",
    );
    // Not in our processing list: taken back after a lapsed lease; its next delivery decides again.
    if (claimed && Number(moved) === 0) throw this.notHeld(job, "dead-letter");
  }

  async reclaimExpired(): Promise<number> {
    await this.script("promoteDueJobs", this.key("delayed"), this.queueName, 1000);
    return Number(
      await this.script(
        "reclaimExpiredLeases",
        this.key("workers"),
        this.queueName,
        this.key("attempts"),
        this.queueName,
      ),
    );
  }

  async stats(): Promise<QueueStats> {
    const d = await this.rawStats();
    return { waiting: d[0] + d[1], processing: d[2], dead: d[3] };
  }

  private async rawStats(): Promise<number[]> {
    const r = (await this.script(
      "countJobs",
      this.queueName,
      this.key("delayed"),
      this.key("dead"),
      this.key("workers"),
      this.key("priority"),
      this.queueName,
    )) as number[];
    return r.map(Number);
  }

  async details(): Promise<QueueDetails> {
    const d = await this.rawStats();
    const ids = await this.redis.smembers(this.key("workers"));
    const workers = [];
    for (const id of ids.sort()) {
      const [alive, processing] = await Promise.all([
        this.redis.exists(this.lease(id)),
        this.redis.llen(this.proc(id)),
      ]);
      workers.push({ id, alive: alive === 1, processing });
    }
    return { waiting: d[0] + d[1], delayed: d[1], processing: d[2], dead: d[3], workers };
  }

  async listDead(limit = 100): Promise<DeadLetter[]> {
    const entries = await this.redis.lrange(this.key("dead"), 0, limit - 1);
    return entries.map((e) => {
      try {
        return JSON.parse(e) as DeadLetter;
      } catch {
        return { raw: e, reason: "unreadable dead-letter entry", at: "", attempt: null };
      }
    });
  }

  async retryDead(limit = 1_000_000): Promise<number> {
    return Number(
      await this.script("retryDeadLetters", this.key("dead"), this.queueName, this.key("attempts"), limit),
    );
  }

  async clearWaiting(): Promise<number> {
    const [[, a], [, b], [, c]] = (await this.redis
      .multi()
      .llen(this.queueName)
      .zcard(this.key("delayed"))
      .llen(this.key("priority"))
      .exec()) as [unknown, number][];
    await this.redis.del(this.queueName, this.key("delayed"), this.key("priority"));
    return a + b + c;
  }

  async clearDead(): Promise<number> {
    const n = await this.redis.llen(this.key("dead"));
    await this.redis.del(this.key("dead"));
    return n;
  }

  /** Releases this process's leases whose processing lists are empty, then disconnects. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.redis.status === "ready") {
        for (const [workerId, jobs] of this.held) {
          if (jobs.length === 0) {
            await this.script(
              "forgetIdleWorker",
              this.lease(workerId),
              this.proc(workerId),
              this.key("workers"),
              workerId,
            );
          }
        }
      }
    } finally {
      this.blocking.disconnect();
      // QUIT lets Redis finish our commands; at most 1 s, and the timer goes as soon as it answers (a pending
      // timer would keep a command's process alive).
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.redis.quit().catch(() => undefined),
        new Promise((r) => {
          timer = setTimeout(r, 1000);
        }),
      ]);
      clearTimeout(timer);
      this.redis.disconnect();
    }
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The bytes as text, or null when they are not valid UTF-8. */
function utf8Text(bytes: Buffer): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}
