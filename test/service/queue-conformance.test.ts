// One conformance suite for the JobQueue and QueueAdmin ports, run against every queue adapter: Redis (the
// real server on 127.0.0.1:6379) and the embedded queue table (PGlite). A new queue adapter passes this
// suite before the worker may use it.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EmbeddedQueue } from "../../src/service/embedded/embedded-queue.js";
import { PGliteDatabase } from "../../src/service/embedded/pglite-database.js";
import { type JobQueue, LeaseLostError, type QueueAdmin } from "../../src/service/ports.js";
import { RedisJobQueue } from "../../src/service/queue/redis-queue.js";
import { have } from "../helpers/needs.js";
import { deleteQueueKeys, REDIS_URL, sleep, token } from "./helpers.js";

const REDIS = await have(
  "test/service/queue-conformance.test.ts: JobQueue conformance of RedisJobQueue",
  "redis",
);

type Queue = JobQueue & QueueAdmin;

interface Adapter {
  name: string;
  /** Queue objects opened on one name share the same jobs (as several worker processes do). */
  open(name: string): Promise<Queue>;
  cleanup(name: string): Promise<void>;
}

let pgDir: string;
let pglite: PGliteDatabase;

beforeAll(async () => {
  pgDir = mkdtempSync(path.join(os.tmpdir(), "driftline-queue-conformance-"));
  pglite = await PGliteDatabase.open(pgDir);
});
afterAll(async () => {
  await pglite?.close();
  rmSync(pgDir, { recursive: true, force: true });
});

const ADAPTERS: (Adapter | false)[] = [
  REDIS && {
    name: "RedisJobQueue",
    open: async (name) => new RedisJobQueue({ url: REDIS_URL, queueName: name }),
    cleanup: deleteQueueKeys,
  },
  {
    name: "EmbeddedQueue",
    open: (name) => EmbeddedQueue.open(pglite, name),
    cleanup: async (name) => {
      await pglite.query("DELETE FROM embedded_jobs WHERE queue = $1", [name]);
    },
  },
];

describe.each(ADAPTERS.filter((a): a is Adapter => a !== false))("JobQueue conformance: $name", (adapter) => {
  const opened: Queue[] = [];
  const names: string[] = [];

  async function open(name?: string): Promise<Queue> {
    const queueName = name ?? `dl_conf_${token()}`;
    if (!names.includes(queueName)) names.push(queueName);
    const queue = await adapter.open(queueName);
    opened.push(queue);
    return queue;
  }

  afterEach(async () => {
    for (const q of opened.splice(0)) await q.close();
    for (const name of names.splice(0)) await adapter.cleanup(name);
  });

  it("delivers pushed jobs first in, first out, with attempt 1, and ack removes them", async () => {
    const q = await open();
    await q.push('{"n":1}');
    await q.push('{"n":2}');
    expect(await q.stats()).toEqual({ waiting: 2, processing: 0, dead: 0 });
    const a = await q.claim("w1", 10_000, 0);
    const b = await q.claim("w1", 10_000, 0);
    expect([a?.raw, b?.raw]).toEqual(['{"n":1}', '{"n":2}']);
    expect([a?.attempt, b?.attempt]).toEqual([1, 1]);
    expect(await q.claim("w1", 10_000, 0)).toBeNull();
    expect(await q.stats()).toEqual({ waiting: 0, processing: 2, dead: 0 });
    await q.ack(a!);
    await q.ack(b!);
    expect(await q.stats()).toEqual({ waiting: 0, processing: 0, dead: 0 });
  });

  it("waits up to waitMs for a job pushed meanwhile, and returns null when none comes", async () => {
    const q = await open();
    const t0 = Date.now();
    expect(await q.claim("w1", 10_000, 200)).toBeNull();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    const pending = q.claim("w1", 10_000, 5000);
    setTimeout(() => void q.push("late"), 100);
    expect((await pending)?.raw).toBe("late");
  });

  it("counts deliveries across releases and keeps a delayed release back until it is due", async () => {
    const q = await open();
    await q.push("job");
    const first = await q.claim("w1", 10_000, 0);
    await q.release(first!, 400);
    expect(await q.stats()).toEqual({ waiting: 1, processing: 0, dead: 0 });
    expect((await q.details()).delayed).toBe(1);
    expect(await q.claim("w1", 10_000, 0)).toBeNull();
    // A job that falls due is taken by the next claim (Redis does not wake a claim already waiting).
    await sleep(450);
    const second = await q.claim("w1", 10_000, 1000);
    expect(second?.raw).toBe("job");
    expect(second?.attempt).toBe(2);
    await q.release(second!, 0);
    expect((await q.claim("w1", 10_000, 1000))?.attempt).toBe(3);
  });

  it("dead-letters claimed and unclaimed jobs with reason and attempt; retry-dead puts them back afresh", async () => {
    const q = await open();
    await q.push("bad");
    const job = await q.claim("w1", 10_000, 0);
    await q.deadLetter(job!, "invalid job: params.latitude: must be between -90 and 90");
    await q.deadLetter({ raw: "{not json" }, "job is not valid JSON");
    expect(await q.stats()).toEqual({ waiting: 0, processing: 0, dead: 2 });
    const dead = await q.listDead();
    expect(dead.map((d) => [d.raw, d.reason, d.attempt])).toEqual([
      ["bad", "invalid job: params.latitude: must be between -90 and 90", 1],
      ["{not json", "job is not valid JSON", null],
    ]);
    expect(Date.parse(dead[0].at)).toBeGreaterThan(Date.now() - 60_000);
    expect(await q.listDead(1)).toHaveLength(1);
    expect(await q.retryDead()).toBe(2);
    expect(await q.stats()).toEqual({ waiting: 2, processing: 0, dead: 0 });
    expect((await q.claim("w1", 10_000, 0))?.attempt).toBe(1);
  });

  it("returns the jobs of a worker whose lease lapsed; its late renew, ack, release and dead letter are LeaseLostErrors", async () => {
    const q = await open();
    await q.push("j1");
    await q.push("j2");
    const lost = await q.claim("dead-worker", 300, 0);
    const kept = await q.claim("live-worker", 300, 0);
    expect(lost && kept).toBeTruthy();
    // Leases may carry up to a second of slack (Redis): the live worker renews past it, the dead one not.
    for (let i = 0; i < 8; i++) {
      await sleep(200);
      await q.renew(kept!, 300);
    }
    expect(await q.reclaimExpired()).toBe(1);
    expect(await q.stats()).toEqual({ waiting: 1, processing: 1, dead: 0 });
    const again = await q.claim("other", 10_000, 0);
    expect(again?.raw).toBe(lost?.raw);
    expect(again?.attempt).toBe(2);
    await expect(q.renew(lost!, 300)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(q.ack(lost!)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(q.release(lost!, 0)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(q.deadLetter(lost!, "late")).rejects.toBeInstanceOf(LeaseLostError);
    expect(await q.stats()).toEqual({ waiting: 0, processing: 2, dead: 0 });
  });

  it("delivers jobs pushed with priority before the others, first in first out among themselves", async () => {
    const q = await open();
    await q.push("plain 1");
    await q.push("first", { priority: true });
    await q.push("second", { priority: true });
    expect((await q.stats()).waiting).toBe(3);
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await q.claim("w1", 10_000, 0))?.raw);
    expect(order).toEqual(["first", "second", "plain 1"]);
  });

  it("counts attempts per delivery: identical copies claimed together are each attempt 1", async () => {
    const q = await open();
    await q.push('{"same":1}');
    await q.push('{"same":1}');
    const a = await q.claim("w1", 10_000, 0);
    const b = await q.claim("w2", 10_000, 0);
    expect([a?.attempt, b?.attempt]).toEqual([1, 1]);
    expect(await q.heldBy("w1", '{"same":1}')).toBe(true);
    expect(await q.heldBy("w3", '{"same":1}')).toBe(false);
    await q.ack(b!, { copy: true });
    await q.release(a!, 0);
    expect(await q.heldBy("w1", '{"same":1}')).toBe(false);
    expect((await q.claim("w1", 10_000, 0))?.attempt).toBe(2);
  });

  it("gives every job to exactly one of several consumers", async () => {
    const name = `dl_conf_${token()}`;
    const producer = await open(name);
    const consumers = [await open(name), await open(name), await open(name)];
    const n = 30;
    for (let i = 0; i < n; i++) await producer.push(JSON.stringify({ i }));
    const seen: string[] = [];
    await Promise.all(
      consumers.map(async (q, k) => {
        for (;;) {
          const job = await q.claim(`w${k}`, 10_000, 50);
          if (!job) return;
          seen.push(job.raw);
          await q.ack(job);
        }
      }),
    );
    expect(seen).toHaveLength(n);
    expect(new Set(seen).size).toBe(n);
    expect(await producer.stats()).toEqual({ waiting: 0, processing: 0, dead: 0 });
  });

  it("reports details (delayed, workers) and clears waiting jobs and dead letters", async () => {
    const q = await open();
    await q.push("a");
    await q.push("b");
    await q.push("c");
    const delayed = await q.claim("w1", 10_000, 0);
    await q.release(delayed!, 60_000);
    const held = await q.claim("w2", 10_000, 0);
    await q.deadLetter({ raw: "d" }, "unusable");
    const d = await q.details();
    expect(d).toMatchObject({ waiting: 2, delayed: 1, processing: 1, dead: 1 });
    expect(d.workers.filter((w) => w.processing > 0)).toEqual([{ id: "w2", alive: true, processing: 1 }]);
    expect(await q.clearWaiting()).toBe(2);
    expect(await q.clearDead()).toBe(1);
    expect(await q.stats()).toEqual({ waiting: 0, processing: 1, dead: 0 });
    await q.ack(held!);
  });
});
