// `driftline apikey create|list|revoke`: makes an API key and prints it once (only its SHA-256 hash is
// stored), lists the keys (never the keys themselves), revokes one. Uses DATABASE_URL when set, else the
// embedded database in --data-dir (./data); stop `driftline serve` first when it uses the same embedded
// database.
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "../service/adapters.js";
import {
  API_MIGRATIONS,
  createApiKey,
  ensureLocalUser,
  listApiKeys,
  revokeApiKey,
} from "../service/db/api-keys.js";
import { migrate } from "../service/db/migrations.js";
import type { Database } from "../service/ports.js";

const USAGE = `Usage: driftline apikey create [--name NAME] [--email EMAIL] [--data-dir DIR]
       driftline apikey list [--json] [--data-dir DIR]
       driftline apikey revoke ID|PREFIX [--data-dir DIR]

create: makes an API key for the user with EMAIL (default: the local user) and prints it once.
list:   the keys with their id, prefix, user, name and dates (never the keys themselves).
revoke: revokes the key with that id, or the one key with that prefix (dl_…, as listed).
Database: DATABASE_URL when set, else the embedded database in DIR/pg (default ./data).
`;

export const usage = () => USAGE;

export async function run(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  if (action !== "create" && action !== "list" && action !== "revoke") {
    process.stderr.write(action ? `driftline apikey: unknown action "${action}"\n\n${USAGE}` : USAGE);
    return 2;
  }
  let values: { name?: string; email?: string; "data-dir"?: string; json?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: {
        name: { type: "string" },
        email: { type: "string" },
        "data-dir": { type: "string" },
        json: { type: "boolean" },
      },
      allowPositionals: action === "revoke",
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`driftline apikey: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (action === "revoke" && positionals.length !== 1) {
    process.stderr.write(`driftline apikey revoke: give one key id or prefix\n\n${USAGE}`);
    return 2;
  }
  let db: Database | undefined;
  try {
    const opened = await openDatabase(
      { databaseUrl: process.env.DATABASE_URL?.trim() || undefined },
      {
        dataDir: path.resolve(values["data-dir"] ?? process.env.DATA_DIR ?? "data"),
        applicationName: "driftline-apikey",
      },
    );
    db = opened.db;
    await migrate(db, API_MIGRATIONS);
    if (action === "list") {
      const keys = await listApiKeys(db);
      if (values.json) process.stdout.write(`${JSON.stringify(keys, null, 2)}\n`);
      else {
        for (const k of keys) {
          const state = k.revokedAt ? `revoked ${k.revokedAt}` : "active";
          process.stdout.write(
            `${k.id}  ${k.prefix ?? "(no prefix)"}  ${k.email ?? k.userId ?? "-"}  ${k.name ?? "-"}  ` +
              `created ${k.createdAt ?? "-"}  last used ${k.lastUsedAt ?? "never"}  ${state}\n`,
          );
        }
        process.stderr.write(`${keys.length} API key${keys.length === 1 ? "" : "s"}\n`);
      }
      return 0;
    }
    if (action === "revoke") {
      const id = await revokeApiKey(db, positionals[0]);
      process.stderr.write(`API key ${id} revoked: requests with it now get 401.\n`);
      return 0;
    }
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
