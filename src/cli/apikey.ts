// `driftline apikey create [--name NAME] [--email EMAIL]`: makes an API key and prints it once (only its
// SHA-256 hash is stored). Uses DATABASE_URL when set, else the embedded database in --data-dir (./data);
// stop `driftline serve` first when it uses the same embedded database.
import path from "node:path";
import { parseArgs } from "node:util";
import { API_MIGRATIONS, createApiKey, ensureLocalUser } from "../service/api/auth.js";
import { migrate } from "../service/db/migrations.js";
import { PgDatabase } from "../service/db/pg-database.js";
import { PGliteDatabase } from "../service/embedded/pglite-database.js";
import type { Database } from "../service/ports.js";

const USAGE = `Usage: driftline apikey create [--name NAME] [--email EMAIL] [--data-dir DIR]

Creates an API key for the user with EMAIL (default: the local user) and prints it once.
Database: DATABASE_URL when set, else the embedded database in DIR/pg (default ./data).
`;

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== "create") {
    process.stderr.write(action ? `driftline apikey: unknown action "${action}"\n\n${USAGE}` : USAGE);
    return action === "--help" || action === "-h" ? 0 : 2;
  }
  let values: { name?: string; email?: string; "data-dir"?: string };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { name: { type: "string" }, email: { type: "string" }, "data-dir": { type: "string" } },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`driftline apikey: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let db: Database | undefined;
  try {
    const url = process.env.DATABASE_URL?.trim();
    db = url
      ? new PgDatabase(url, { applicationName: "driftline-apikey" })
      : await PGliteDatabase.open(
          path.join(path.resolve(values["data-dir"] ?? process.env.DATA_DIR ?? "data"), "pg"),
        );
    await migrate(db, API_MIGRATIONS);
    const userId = values.email ? await ensureLocalUser(db, values.email) : undefined;
    const created = await createApiKey(db, { name: values.name ?? "driftline apikey create", userId });
    process.stdout.write(`${created.key}\n`);
    process.stderr.write(
      `API key ${created.id} created for user ${created.userId}. It is shown only this once; send it as ` +
        "`Authorization: Bearer <key>`.\n",
    );
    return 0;
  } catch (error) {
    process.stderr.write(`driftline apikey: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await db?.close();
  }
}
