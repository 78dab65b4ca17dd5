// The at-least-once queue against the real Redis on 127.0.0.1:6379 (a unique QUEUE_NAME per test): what is
// particular to Redis (its keys, plain RPUSH producers, lost replies, dropped connections). What every queue
// adapter must do is in queue-conformance.test.ts, which runs against this one too.
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { type DeadLetter, jobHash, RedisJobQueue } from "../../src/service/queue/redis-queue.js";
import { have } from "../helpers/needs.js";
import { deleteQueueKeys, REDIS_URL, sleep, token } from "./helpers.js";

const REDIS = await have("test/service/redis-queue.test.ts: RedisJobQueue", "redis");

const opened: { queue: RedisJobQueue; name: string }[] = [];
let redis: Redis | undefined;

function open(name = `dl_test_${token()}`): RedisJobQueue {
  const queue = new RedisJobQueue({ url: REDIS_URL, queueName: name });
  opened.push({ queue, name });
  return queue;
}

function client(): Redis {
  redis ??= new Redis(REDIS_URL);
  return redis;
}

afterEach(async () => {
  for (const { queue, name } of opened.splice(0)) {
    await queue.close();
    await deleteQueueKeys(name);
  }
  await redis?.quit();
  redis = undefined;
});

describe.runIf(REDIS)("RedisJobQueue", () => {
  it("takes jobs that producers RPUSH as plain JSON, in order, and acks them", async () => {
    const q = open();
    await client().rpush(q.queueName, '{"mission_id":"a"}', '{"mission_id":"b"}');
    const a = await q.claim("w1", 5000, 100);
    const b = await q.claim("w1", 5000, 100);
    expect(a?.raw).toBe('{"mission_id":"a"}');
    expect(b?.raw).toBe('{"mission_id":"b"}');
    expect(a?.attempt).toBe(1);
    expect(await q.stats()).toEqual({ waiting: 0, processing: 2, dead: 0 });
    expect(await client().lrange(`${q.queueName}:processing:w1`, 0, -1)).toEqual([a?.raw, b?.raw]);
    await q.ack(a!);
    await q.ack(b!);
    expect(await q.stats()).toEqual({ waiting: 0, processing: 0, dead: 0 });
    expect(await client().hlen(`${q.queueName}:attempts`)).toBe(0);
    expect(await q.claim("w1", 5000, 100)).toBeNull();
  });

  it("blocks up to waitMs for a job pushed meanwhile", async () => {
    const q = open();
    const t0 = Date.now();
    setTimeout(() => void client().rpush(q.queueName, "late"), 150);
    const job = await q.claim("w1", 5000, 2000);
    expect(job?.raw).toBe("late");
    expect(Date.now() - t0).toBeLessThan(1500);
  });

  it("counts deliveries across releases and returns delayed jobs when due", async () => {
    const q = open();
    await q.push("job");
    const first = await q.claim("w1", 5000, 100);
    await q.release(first!, 300);
    expect(await q.stats()).toEqual({ waiting: 1, processing: 0, dead: 0 });
    expect(await q.claim("w1", 5000, 0)).toBeNull();
    await sleep(350);
    const second = await q.claim("w1", 5000, 100);
    expect(second?.raw).toBe("job");
    expect(second?.attempt).toBe(2);
    await q.release(second!, 0);
    const third = await q.claim("w1", 5000, 100);
    expect(third?.attempt).toBe(3);
  });

  it("dead-letters with the reason, time and attempt; retry-dead puts jobs back with fresh attempts", async () => {
    const q = open();
    await q.push("bad");
    const job = await q.claim("w1", 5000, 100);
    await q.deadLetter(job!, "invalid job: params.latitude: must be between -90 and 90");
    await q.deadLetter({ raw: "{not json" }, "job is not valid JSON");
    expect(await q.stats()).toEqual({ waiting: 0, processing: 0, dead: 2 });
    const dead = (await client().lrange(`${q.queueName}:dead`, 0, -1)).map(
      (e) => JSON.parse(e) as DeadLetter,
    );
    expect(dead[0]).toMatchObject({
      raw: "bad",
      reason: expect.stringContaining("params.latitude"),
      attempt: 1,
    });
    expect(Date.parse(dead[0].at)).toBeGreaterThan(Date.now() - 10_000);
    expect(dead[1]).toMatchObject({ raw: "{not json", attempt: null });
    expect(await q.retryDead()).toBe(2);
    expect(await q.stats()).toEqual({ waiting: 2, processing: 0, dead: 0 });
    expect((await q.claim("w1", 5000, 100))?.attempt).toBe(1);
  });

  it("puts back a job that a lost BLMOVE reply left orphaned in the processing list", async () => {
    const q = open();
    // As if BLMOVE moved a job but its reply was lost with the connection.
    await client().rpush(`${q.queueName}:processing:w1`, "orphan");
    (q as unknown as { suspectOrphans: boolean }).suspectOrphans = true;
    const job = await q.claim("w1", 5000, 100);
    expect(job?.raw).toBe("orphan");
    expect(await client().llen(`${q.queueName}:processing:w1`)).toBe(1);
  });

  it("reports details, clears, and forgets an idle worker on close", async () => {
    const name = `dl_test_${token()}`;
    const q = open(name);
    await q.push("a");
    await q.push("b");
    const job = await q.claim("w1", 5000, 0);
    await q.release(job!, 60_000);
    const d = await q.details();
    expect(d).toMatchObject({ waiting: 2, delayed: 1, processing: 0, dead: 0 });
    expect(d.workers).toEqual([{ id: "w1", alive: true, processing: 0 }]);
    expect(await q.clearWaiting()).toBe(2);
    await q.close();
    expect(await client().sismember(`${name}:workers`, "w1")).toBe(0);
    expect(await client().exists(`${name}:lease:w1`)).toBe(0);
    expect(jobHash("a")).toHaveLength(40);
  });

  it("waits through a dropped connection instead of failing", async () => {
    const q = open();
    await q.push("survivor");
    // Kill this queue's client connections server-side; ioredis reconnects and the commands go through.
    const ids = String(await client().client("LIST"))
      .split("\n")
      .filter((l: string) => l.includes(`name=driftline:${q.queueName}`))
      .map((l: string) => /id=(\d+)/.exec(l)?.[1])
      .filter(Boolean) as string[];
    expect(ids.length).toBe(2);
    for (const id of ids) await client().client("KILL", "ID", id);
    const job = await q.claim("w1", 5000, 500);
    expect(job?.raw).toBe("survivor");
    await q.ack(job!);
    expect(await q.stats()).toEqual({ waiting: 0, processing: 0, dead: 0 });
  });
});
