// Issue 24.5: a queue message that is not valid UTF-8 lands in :dead with its reason and its bytes, the
// processing list is empty, and the next job is claimed normally (before, ioredis decoded it to U+FFFD,
// LREM matched nothing and the job was re-run and stuck again after every restart).
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisJobQueue } from "../../src/service/queue/redis-queue.js";
import { have } from "../helpers/needs.js";
import { deleteQueueKeys, REDIS_URL, token } from "../service/helpers.js";

const REDIS = await have(
  "test/hardening/queue-bytes.test.ts: a job that is not UTF-8 on the Redis queue",
  "redis",
);

const name = `dl_test_${token()}`;
// Opened only when Redis is here: ioredis would otherwise retry its connection for the whole run.
const redis = REDIS ? new Redis(REDIS_URL) : (undefined as unknown as Redis);
const queue = REDIS
  ? new RedisJobQueue({ url: REDIS_URL, queueName: name })
  : (undefined as unknown as RedisJobQueue);
afterAll(async () => {
  await queue.close();
  await deleteQueueKeys(name);
  await redis.quit();
});

describe.runIf(REDIS)("a job that is not UTF-8", () => {
  it("is dead-lettered with its bytes, and the queue goes on", async () => {
    const bad = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x7d]); // {"\xff\xfe\xc3("}
    await redis.rpush(name, bad, '{"mission_id":"next"}');
    const first = await queue.claim("w1", 5000, 100);
    expect(first).toBeNull();
    expect(await redis.llen(`${name}:processing:w1`)).toBe(0);
    const dead = (await redis.lrange(`${name}:dead`, 0, -1)).map((e) => JSON.parse(e));
    expect(dead).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/not valid UTF-8/), attempt: 1 }),
    ]);
    expect(Buffer.from(dead[0].raw, "base64").equals(bad)).toBe(true);
    const next = await queue.claim("w1", 5000, 100);
    expect(next?.raw).toBe('{"mission_id":"next"}');
    await queue.ack(next!);
    expect(await queue.stats()).toEqual({ waiting: 0, processing: 0, dead: 1 });
  });

  it("keeps a job with a byte-order mark byte for byte, so that its ack finds it", async () => {
    const withBom = '\ufeff{"mission_id":"bom"}';
    await redis.rpush(name, withBom);
    const job = await queue.claim("w1", 5000, 100);
    expect(job?.raw).toBe(withBom);
    await queue.ack(job!);
    expect(await redis.llen(`${name}:processing:w1`)).toBe(0);
  });
});
