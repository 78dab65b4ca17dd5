// Who may queue how much (issue 24 item 4): a new mission is admitted by what it will cost and by what its
// key has waiting, so that one key cannot fill the queue for everyone.
//
//   cost          particles × steps (+ a surcharge per particle released on land, which costs the run
//                 ~8.5 ms each against ~30 ns a step at sea; release-sample.ts estimates them from ≤ 64
//                 seeded particles on the coastline thread); above MAX_PARTICLE_STEPS → 400
//   rate          missions one key creates per minute (token bucket, burst = the rate)  → 429 Retry-After
//   quota         missions and particle-steps one key has created, queued or running      → 429 Retry-After
//   queue depth   jobs waiting in the queue, all keys together                           → 429 Retry-After
//   fair order    a key's only waiting job goes ahead of the ordinary queue (JobQueue priority), so another
//                 user's mission runs before the rest of a flooding key's
//
// Admission runs under a per-key lock in this process, so that parallel requests of one key cannot overshoot
// the quota together.
import { queuedWork } from "../db/api-missions.js";
import type { Database, JobQueue } from "../ports.js";
import { ApiError } from "./errors.js";
import type { FieldError } from "./schemas.js";

export interface AdmissionLimits {
  /** Missions one key may create per minute. */
  ratePerMinute: number;
  /** Missions of one key created, queued or running at once. */
  maxQueuedPerKey: number;
  /** Particle-steps (the cost below) of one key created, queued or running at once. */
  maxQueuedWorkPerKey: number;
  /** Jobs waiting in the queue, all keys together. */
  maxQueueDepth: number;
  /** Cost of one mission. */
  maxParticleSteps: number;
  /** Live status streams (GET /missions/:id/events) one key holds open at once. */
  eventStreamsPerKey: number;
}

export const DEFAULT_LIMITS: AdmissionLimits = {
  ratePerMinute: 30,
  maxQueuedPerKey: 200,
  maxQueuedWorkPerKey: 2_000_000_000,
  maxQueueDepth: 1000,
  maxParticleSteps: 500_000_000,
  eventStreamsPerKey: 20,
};

/**
 * Particle-steps one particle released on land costs besides its steps: 8.5 ms (measured, issue 24) over
 * ~30 ns per particle-step at sea (0.12 s for 20,000 particles × 192 steps).
 */
export const LAND_PARTICLE_STEPS = 250_000;

export interface MissionCost {
  particles: number;
  forecastHours: number;
  timeStepSeconds: number;
  /** Particles expected to start on land (0 when unknown or at sea). */
  particlesOnLand?: number;
}

/** What a mission costs, in particle-steps. */
export function missionCost(m: MissionCost): number {
  const steps = Math.ceil((m.forecastHours * 3600) / m.timeStepSeconds);
  return m.particles * steps + (m.particlesOnLand ?? 0) * LAND_PARTICLE_STEPS;
}

/** Refuses (400, naming the fields) a mission that costs more than one job may. */
export function checkCost(m: MissionCost, limits: AdmissionLimits): number {
  const cost = missionCost(m);
  if (cost <= limits.maxParticleSteps) return cost;
  const land = m.particlesOnLand ?? 0;
  const onLand =
    land > 0
      ? ` (${land} of them released on land, ${LAND_PARTICLE_STEPS.toLocaleString("en")} each: move the release to sea)`
      : "";
  const details: FieldError[] = [
    {
      field: "particleCount",
      message: `${m.particles} particles × ${Math.ceil((m.forecastHours * 3600) / m.timeStepSeconds)} steps${land > 0 ? " + land" : ""} is ${cost.toLocaleString("en")} particle-steps${onLand}; at most ${limits.maxParticleSteps.toLocaleString("en")} per mission: fewer particles, fewer hours or a longer timeStepSeconds`,
    },
  ];
  throw new ApiError(400, "mission too large", details);
}

function tooMany(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(429, message, undefined, {
    "retry-after": String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });
}

export class Admission {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    readonly limits: AdmissionLimits,
    private readonly db: Database,
    private readonly queue: JobQueue,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs `create` (insert the mission and push its job, told whether to push it with priority) if the key
   * may queue a mission of this cost now; otherwise throws 429 with Retry-After.
   */
  admit<T>(userId: string, cost: number, create: (priority: boolean) => Promise<T>): Promise<T> {
    const previous = this.locks.get(userId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.admitNow(userId, cost, create));
    const settled = run.catch(() => undefined);
    this.locks.set(userId, settled);
    void settled.then(() => {
      if (this.locks.get(userId) === settled) this.locks.delete(userId);
    });
    return run;
  }

  private async admitNow<T>(
    userId: string,
    cost: number,
    create: (priority: boolean) => Promise<T>,
  ): Promise<T> {
    const l = this.limits;
    const bucket = this.refill(userId);
    if (bucket.tokens < 1) {
      throw tooMany(
        `rate limit: at most ${l.ratePerMinute} missions per minute per API key`,
        ((1 - bucket.tokens) * 60) / l.ratePerMinute,
      );
    }
    const mine = await queuedWork(this.db, userId);
    if (mine.missions >= l.maxQueuedPerKey) {
      throw tooMany(
        `quota: ${mine.missions} missions of this API key are waiting or running (at most ${l.maxQueuedPerKey}); try again when some have finished`,
        60,
      );
    }
    if (mine.particleSteps + cost > l.maxQueuedWorkPerKey) {
      throw tooMany(
        `quota: this API key has ${Math.round(mine.particleSteps).toLocaleString("en")} particle-steps waiting or running; this mission's ${cost.toLocaleString("en")} would pass the ${l.maxQueuedWorkPerKey.toLocaleString("en")} allowed`,
        60,
      );
    }
    const { waiting } = await this.queue.stats();
    if (waiting >= l.maxQueueDepth) {
      throw tooMany(`the queue is full (${waiting} jobs waiting; at most ${l.maxQueueDepth})`, 30);
    }
    bucket.tokens -= 1;
    return await create(mine.waiting === 0);
  }

  private refill(userId: string): { tokens: number; at: number } {
    const now = this.now();
    const rate = this.limits.ratePerMinute;
    let b = this.buckets.get(userId);
    if (!b) {
      b = { tokens: rate, at: now };
      this.buckets.set(userId, b);
    }
    b.tokens = Math.min(rate, b.tokens + ((now - b.at) / 60_000) * rate);
    b.at = now;
    // Full buckets need no memory: forget them (a bucket per key ever seen would grow without bound).
    if (this.buckets.size > 10_000) {
      for (const [k, v] of this.buckets)
        if (k !== userId && v.tokens + ((now - v.at) / 60_000) * rate >= rate) this.buckets.delete(k);
    }
    return b;
  }
}
