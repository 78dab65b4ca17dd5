// The generic queue consumer with processors that know nothing of missions, on the real Redis queue: it
// acks what a processor finished, retries failures up to maxAttempts, gives up at once on a PermanentJobError,
// and hands running jobs back on shutdown.
import { afterEach, describe, expect, it } from "vitest";
import { PermanentJobError } from "../../src/service/errors.js";
import { silentLogger } from "../../src/service/log.js";
import { type JobContext, type JobProcessor, QueueConsumer } from "../../src/service/queue/consumer.js";
import { RedisJobQueue } from "../../src/service/queue/redis-queue.js";
import { have } from "../helpers/needs.js";
import { deleteQueueKeys, REDIS_URL, token, waitFor } from "./helpers.js";

const REDIS = await have("test/service/consumer.test.ts: QueueConsumer on the Redis queue", "redis");

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(processor: JobProcessor, options: { maxAttempts?: number } = {}) {
  const name = `dl_consumer_${token()}`;
  const queue = new RedisJobQueue({ url: REDIS_URL, queueName: name });
  const outcomes: string[] = [];
  const consumer = new QueueConsumer({
    queue,
    id: `c-${token()}`,
    processor,
    log: silentLogger(),
    concurrency: 2,
    leaseMs: 10_000,
    pollMs: 100,
    maxAttempts: options.maxAttempts ?? 3,
    retryBaseMs: 20,
    maxRetryDelayMs: 50,
    metrics: {
      running: { set: () => undefined },
      attempts: { observe: () => undefined },
      jobs: { inc: ({ outcome }) => void outcomes.push(outcome) },
      duration: { observe: () => undefined },
    },
  });
  cleanups.push(async () => {
    await consumer.stop(0);
    await queue.close();
    await deleteQueueKeys(name);
  });
  return { queue, consumer, outcomes };
}

describe.runIf(REDIS)("QueueConsumer", () => {
  it("acks what the processor finished and dead-letters what it says to, with its outcome labels", async () => {
    const seen: string[] = [];
    const { queue, consumer, outcomes } = setup({
      process: async ({ job }) => {
        seen.push(job.raw);
        return job.raw === "bad" ? { outcome: "refused", deadLetter: "bad input" } : { outcome: "done" };
      },
    });
    await queue.push("a");
    await queue.push("bad");
    consumer.start();
    await waitFor(async () => outcomes.length === 2, "both settled", 10_000, 20);
    expect(seen.sort()).toEqual(["a", "bad"]);
    expect(outcomes.sort()).toEqual(["done", "refused"]);
    expect(await queue.stats()).toEqual({ waiting: 0, processing: 0, dead: 1 });
    expect((await queue.listDead()).map((d) => d.reason)).toEqual(["bad input"]);
  });

  it("retries a failing job up to maxAttempts, then records and dead-letters it", async () => {
    const retries: string[] = [];
    const givenUp: string[] = [];
    const { queue, consumer, outcomes } = setup(
      {
        process: async ({ job }) => {
          throw new Error(`flaky on attempt ${job.attempt}`);
        },
        onRetry: async (_context, reason) => void retries.push(reason),
        onGiveUp: async (_context, reason) => {
          givenUp.push(reason);
          return { outcome: "gave_up", message: "job given up" };
        },
      },
      { maxAttempts: 2 },
    );
    await queue.push("x");
    consumer.start();
    await waitFor(async () => outcomes.includes("gave_up"), "given up", 10_000, 20);
    expect(outcomes).toEqual(["retried", "gave_up"]);
    expect(retries).toEqual(["flaky on attempt 1"]);
    expect(givenUp).toEqual(["failed after 2 attempts: flaky on attempt 2"]);
    expect(await queue.listDead()).toMatchObject([
      { raw: "x", reason: "failed after 2 attempts: flaky on attempt 2", attempt: 2 },
    ]);
  });

  it("gives up at once on a PermanentJobError; a failure to record it puts the job back", async () => {
    let recordFails = true;
    const { queue, consumer, outcomes } = setup({
      process: async () => {
        throw new PermanentJobError("cannot be done");
      },
      onGiveUp: async () => {
        if (recordFails) {
          recordFails = false;
          throw new Error("database down");
        }
        return { outcome: "failed", message: "failed for good" };
      },
    });
    await queue.push("p");
    consumer.start();
    await waitFor(async () => outcomes.includes("failed"), "failed", 10_000, 20);
    expect(outcomes).toEqual(["released", "failed"]);
    expect(await queue.listDead()).toMatchObject([{ raw: "p", reason: "cannot be done", attempt: 2 }]);
  });

  it("on stop past the grace period: aborts running jobs with reason shutdown and returns them to the queue", async () => {
    const shutdowns: number[] = [];
    let started = false;
    const { queue, consumer, outcomes } = setup({
      process: ({ controller }: JobContext) =>
        new Promise((_resolve, reject) => {
          started = true;
          controller.signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true });
        }),
      onShutdown: async ({ job }) => void shutdowns.push(job.attempt),
    });
    await queue.push("long");
    consumer.start();
    await waitFor(async () => started, "job running", 10_000, 20);
    expect(consumer.running()).toMatchObject([{ attempt: 1 }]);
    await consumer.stop(100);
    expect(outcomes).toEqual(["released"]);
    expect(shutdowns).toEqual([1]);
    expect(await queue.stats()).toEqual({ waiting: 1, processing: 0, dead: 0 });
    // The stopping loop's last claim may take it and hand it straight back too: each counts as a delivery.
    const again = await queue.claim("other", 10_000, 0);
    expect(again?.raw).toBe("long");
    expect(again?.attempt).toBeGreaterThanOrEqual(2);
  });
});
