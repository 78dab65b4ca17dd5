// `driftline queue status|dead|clear|retry-dead`: look after the job queue (QUEUE_NAME) through its port:
// the Redis queue (REDIS_URL), or the queue table that `driftline serve` keeps in PostgreSQL (DATABASE_URL).
import { openDatabase, openQueue } from "../service/adapters.js";
import { ConfigError, loadConfig } from "../service/config.js";
import { errorMessage } from "../service/errors.js";
import type { Database } from "../service/ports.js";
import { parseOptions } from "./args.js";

const USAGE = `usage: driftline queue status [--json]      waiting (incl. delayed retries), processing, dead, workers
       driftline queue dead [--limit N]       list dead letters (reason, time, attempt)
       driftline queue clear [--dead]         delete waiting jobs (or, with --dead, the dead letters)
       driftline queue retry-dead [--limit N] put dead letters back on the queue
Needs REDIS_URL, or DATABASE_URL for the queue table of \`driftline serve\` without Redis
(QUEUE_NAME, default drift_jobs).`;

export const usage = () => USAGE;

export async function run(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    process.stderr.write(`driftline queue: ${errorMessage(err)}\n${USAGE}\n`);
    return 2;
  }
  const { action, values } = parsed;
  if (!action) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    process.stderr.write("driftline queue: --limit must be a whole number ≥ 1\n");
    return 2;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`driftline queue: ${err.message}\n`);
    return 2;
  }
  if (!config.redisUrl && !config.databaseUrl) {
    process.stderr.write(
      "driftline queue: REDIS_URL (or DATABASE_URL for a queue table): required, not set\n",
    );
    return 2;
  }
  let db: Database | undefined;
  let queue: Awaited<ReturnType<typeof openQueue>>["queue"] | undefined;
  try {
    if (!config.redisUrl)
      db = (await openDatabase(config, { applicationName: "driftline-queue", maxConnections: 2 })).db;
    queue = (await openQueue(config, { db, queueInDatabase: true })).queue;
    switch (action) {
      case "status": {
        const d = await queue.details();
        if (values.json) {
          process.stdout.write(`${JSON.stringify({ queue: config.queueName, ...d })}\n`);
        } else {
          const lines = [
            `queue       ${config.queueName}`,
            `waiting     ${d.waiting}${d.delayed ? ` (${d.delayed} delayed for retry)` : ""}`,
            `processing  ${d.processing}`,
            `dead        ${d.dead}`,
            `workers     ${d.workers.length === 0 ? "none" : ""}`,
            ...d.workers.map(
              (w) => `  ${w.id}  ${w.alive ? "alive" : "lease expired"}  ${w.processing} job(s)`,
            ),
          ];
          process.stdout.write(`${lines.join("\n")}\n`);
        }
        return 0;
      }
      case "dead": {
        const entries = await queue.listDead(limit ?? 100);
        for (const e of entries) process.stdout.write(`${JSON.stringify(e)}\n`);
        process.stderr.write(`${entries.length} dead letter(s) shown\n`);
        return 0;
      }
      case "clear": {
        const n = values.dead ? await queue.clearDead() : await queue.clearWaiting();
        process.stdout.write(`removed ${n} ${values.dead ? "dead letter(s)" : "waiting job(s)"}\n`);
        return 0;
      }
      case "retry-dead": {
        const n = await queue.retryDead(limit);
        process.stdout.write(`moved ${n} dead letter(s) back onto ${config.queueName}\n`);
        return 0;
      }
      default:
        process.stderr.write(`driftline queue: unknown action "${action}"\n${USAGE}\n`);
        return 2;
    }
  } catch (err) {
    process.stderr.write(`driftline queue: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    await queue?.close();
    await db?.close();
  }
}

function parse(args: string[]) {
  const { values, positionals } = parseOptions(args, {
    json: { type: "boolean" },
    dead: { type: "boolean" },
    limit: { type: "string" },
  });
  if (positionals.length > 1) throw new Error(`unexpected arguments: ${positionals.slice(1).join(" ")}`);
  return { action: positionals[0], values };
}
