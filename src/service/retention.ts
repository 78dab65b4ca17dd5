// Retention of missions and their products (issue 24 item 4): `driftline serve` with RESULTS_RETENTION_DAYS
// deletes, every hour, the missions that finished (completed or failed) more than that many days ago, with
// their products and result rows, as DELETE /missions/:id does. Without it everything is kept.
import type { Logger } from "pino";
import { deleteMission } from "./db/api-missions.js";
import { NOW_UTC } from "./db/migrations.js";
import { errorMessage } from "./errors.js";
import type { Database, ObjectStorage } from "./ports.js";

/** Deletes every stored product of a mission (`<id>/…`); returns how many. */
export async function deleteProducts(storage: ObjectStorage, bucket: string, id: string): Promise<number> {
  let removed = 0;
  for (const key of await storage.list(bucket, `${id}/`)) {
    await storage.delete(bucket, key);
    removed++;
  }
  return removed;
}

/** One pass: missions finished more than `days` ago go, products first (a failure keeps the row for later). */
export async function expireMissions(
  db: Database,
  storage: ObjectStorage,
  bucket: string,
  days: number,
  log?: Logger,
): Promise<{ missions: number; products: number }> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id::text AS id FROM missions
      WHERE status IN ('completed', 'failed') AND completed_at < ${NOW_UTC} - $1 * interval '1 day'
      ORDER BY completed_at LIMIT 1000`,
    [days],
  );
  let missions = 0;
  let products = 0;
  for (const { id } of rows) {
    try {
      products += await deleteProducts(storage, bucket, id);
      await deleteMission(db, id);
      missions++;
    } catch (err) {
      log?.warn(
        { err: errorMessage(err), mission_id: id },
        "retention: cannot delete an expired mission yet",
      );
    }
  }
  if (missions > 0) log?.info({ missions, products, days }, "retention: expired missions deleted");
  return { missions, products };
}

/** Runs expireMissions now and every `everyMs`; stop() cancels. */
export function scheduleRetention(
  run: () => Promise<unknown>,
  everyMs = 3_600_000,
): { stop(): void; first: Promise<unknown> } {
  const first = run().catch(() => undefined);
  const timer = setInterval(() => void run().catch(() => undefined), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer), first };
}
