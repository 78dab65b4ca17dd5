// `driftline enqueue`: insert mission rows the way the platform's API server does (status `queued`) and push
// their jobs in the contract's JSON. Replaces the old test_worker.py. Prints one mission id per line.
import { findObjectCategory, UnknownObjectTypeError } from "../core/objects.js";
import { openDatabase, openQueue } from "../service/adapters.js";
import { ConfigError, loadConfig } from "../service/config.js";
import { migrate } from "../service/db/migrations.js";
import { insertMission } from "../service/db/missions.js";
import { errorMessage } from "../service/errors.js";
import { parseEnvelope, resolveJob } from "../service/job.js";
import type { Database, JobQueue } from "../service/ports.js";
import { isUuid } from "../service/storage/keys.js";
import { parseOptions, UsageError } from "./args.js";

const USAGE = `usage: driftline enqueue --lat DEG --lon DEG --time RFC3339 [--hours 24] [--particles 1000]
                         [--object-type 1|NAME] [--radius 100] [--backtracking] [--wind X,Y] [--current X,Y]
                         [--name TEXT] [--user-id UUID] [--count N]
Needs DATABASE_URL, and REDIS_URL for the Redis queue (without it: the queue table of \`driftline serve\`
in that database). QUEUE_NAME, default drift_jobs. Prints the mission ids.`;

function num(value: string | undefined, flag: string, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`${flag}: required\n${USAGE}`);
    return fallback;
  }
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`${flag}: must be a number, got ${JSON.stringify(value)}`);
  return n;
}

function vector(value: string | undefined, flag: string): { x: number; y: number } | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(",").map(Number);
  if (parts.length !== 2 || !parts.every(Number.isFinite))
    throw new UsageError(`${flag}: give X,Y in m/s east,north`);
  return { x: parts[0], y: parts[1] };
}

export const usage = () => USAGE;

export async function run(args: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseOptions(args, {
      lat: { type: "string" },
      lon: { type: "string" },
      time: { type: "string" },
      hours: { type: "string" },
      particles: { type: "string" },
      "object-type": { type: "string" },
      radius: { type: "string" },
      backtracking: { type: "boolean" },
      wind: { type: "string" },
      current: { type: "string" },
      name: { type: "string" },
      "user-id": { type: "string" },
      count: { type: "string" },
    }).values;
  } catch (err) {
    process.stderr.write(`driftline enqueue: ${errorMessage(err)}\n${USAGE}\n`);
    return 2;
  }

  let jobs: { row: Parameters<typeof insertMission>[1]; params: Record<string, unknown> }[];
  let count: number;
  try {
    const lat = num(values.lat as string | undefined, "--lat");
    const lon = num(values.lon as string | undefined, "--lon");
    const time = values.time as string | undefined;
    if (!time) throw new UsageError(`--time: required (RFC 3339, e.g. 2024-01-01T12:00:00Z)\n${USAGE}`);
    const hours = num(values.hours as string | undefined, "--hours", 24);
    const particles = num(values.particles as string | undefined, "--particles", 1000);
    const radius = num(values.radius as string | undefined, "--radius", 100);
    count = num(values.count as string | undefined, "--count", 1);
    if (!Number.isInteger(count) || count < 1 || count > 100_000)
      throw new UsageError("--count: must be a whole number 1..100000");
    const objectText = (values["object-type"] as string | undefined) ?? "1";
    let objectId: number;
    try {
      objectId = findObjectCategory(objectText).id;
    } catch (err) {
      if (err instanceof UnknownObjectTypeError) throw new UsageError(`--object-type: ${err.message}`);
      throw err;
    }
    const userId = values["user-id"] as string | undefined;
    if (userId !== undefined && !isUuid(userId)) throw new UsageError("--user-id: must be a UUID");
    const params: Record<string, unknown> = {
      latitude: lat,
      longitude: lon,
      start_time: time,
      duration_hours: hours,
      num_particles: particles,
      object_type: objectId,
      uncertainty_radius_m: radius,
    };
    if (values.backtracking) params.backtracking = true;
    const wind = vector(values.wind as string | undefined, "--wind");
    const current = vector(values.current as string | undefined, "--current");
    if (wind) params.wind = wind;
    if (current) params.current = current;
    // Validate exactly as the worker will, so that a typo fails here and not in the queue.
    resolveJob(
      parseEnvelope(JSON.stringify({ mission_id: "00000000-0000-4000-8000-000000000000", params })),
      null,
      {
        catalog: true,
      },
    );
    const row = {
      userId: userId ?? null,
      name: (values.name as string | undefined) ?? `enqueued ${new Date().toISOString()}`,
      lastKnownLat: lat,
      lastKnownLon: lon,
      lastKnownTime: new Date(
        Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(time) ? time : `${time}Z`),
      ).toISOString(),
      objectType: objectText,
      uncertaintyRadiusM: radius,
      forecastHours: Math.round(Math.abs(hours)),
      ensembleSize: Math.round(particles),
      config: {
        backtracking: values.backtracking === true,
        ...(wind ? { wind } : {}),
        ...(current ? { current } : {}),
      },
    };
    jobs = [{ row, params }];
  } catch (err) {
    process.stderr.write(`driftline enqueue: ${errorMessage(err)}\n`);
    return 2;
  }

  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, { require: ["database"] });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`driftline enqueue: ${err.message}\n`);
    return 2;
  }
  let db: Database | undefined;
  let queue: JobQueue | undefined;
  try {
    db = (await openDatabase(config, { applicationName: "driftline-enqueue", maxConnections: 2 })).db;
    await migrate(db);
    queue = (await openQueue(config, { db, queueInDatabase: true })).queue;
    const { row, params } = jobs[0];
    for (let i = 0; i < count; i++) {
      const name = count > 1 ? `${row.name} #${i + 1}` : row.name;
      const id = await insertMission(db, { ...row, name, status: "queued" });
      await queue.push(JSON.stringify({ mission_id: id, params }));
      process.stdout.write(`${id}\n`);
    }
    process.stderr.write(`enqueued ${count} job${count === 1 ? "" : "s"} on ${config.queueName}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`driftline enqueue: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    await queue?.close();
    await db?.close();
  }
}
