// API keys and the users they belong to: random tokens shown once, stored as SHA-256 hashes in `api_keys`.
// How a request presents one and who the caller then is: api/auth.ts.
import { createHash, randomBytes } from "node:crypto";
import type { Database } from "../ports.js";
import type { Migration } from "./migrations.js";
import { PLANNING_MIGRATIONS } from "./planning.js";

const LOCAL_EMAIL = "local@driftline.invalid";

/**
 * What the API adds to the platform's tables: new nullable columns of api_keys (created by the worker's first
 * migration), and the search plans and revisions (db/planning.ts). Run with `migrate(db, API_MIGRATIONS)`
 * from src/service/db/migrations.ts.
 */
export const API_MIGRATIONS: readonly Migration[] = [
  {
    id: "0100_api_key_columns",
    description: "api_keys: key prefix for listings, revocation time",
    sql: `
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS key_prefix VARCHAR(16);
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS revoked_at TIMESTAMP;
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS last_used_at TIMESTAMP;
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS expires_at TIMESTAMP`,
  },
  ...PLANNING_MIGRATIONS,
];

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/**
 * Finds or creates the local user that open mode and `driftline apikey create` act as. The platform's users
 * table may have more NOT NULL columns than ours: fill those without defaults with harmless values.
 */
export async function ensureLocalUser(db: Database, email = LOCAL_EMAIL): Promise<string> {
  const found = await db.query<{ id: string }>("SELECT id FROM users WHERE email = $1 LIMIT 1", [email]);
  if (found.rows[0]) return found.rows[0].id;
  const { rows: columns } = await db.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns
      WHERE table_name = 'users' AND table_schema = current_schema()
        AND is_nullable = 'NO' AND column_default IS NULL AND column_name NOT IN ('id', 'email')`,
  );
  const names = ["email"];
  const values: unknown[] = [email];
  for (const c of columns) {
    names.push(`"${c.column_name.replaceAll('"', '""')}"`);
    values.push(placeholderValue(c.column_name, c.data_type));
  }
  const sql = `INSERT INTO users (${names.join(", ")}) VALUES (${values.map((_, i) => `$${i + 1}`).join(", ")})
               RETURNING id`;
  const { rows } = await db.query<{ id: string }>(sql, values);
  return rows[0].id;
}

function placeholderValue(column: string, type: string): unknown {
  if (/bool/.test(type)) return false;
  if (/int|numeric|double|real/.test(type)) return 0;
  if (/timestamp|date/.test(type)) return new Date().toISOString();
  if (/json/.test(type)) return "{}";
  if (/uuid/.test(type)) return "00000000-0000-0000-0000-000000000000";
  if (/password|hash/.test(column)) return "!"; // no password login for this user
  return "local";
}

export interface CreatedApiKey {
  id: string;
  /** The key itself: shown once, never stored. */
  key: string;
  userId: string;
}

export async function createApiKey(
  db: Database,
  opts: { name?: string; userId?: string } = {},
): Promise<CreatedApiKey> {
  const userId = opts.userId ?? (await ensureLocalUser(db));
  const key = `dl_${randomBytes(24).toString("base64url")}`;
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO api_keys (user_id, name, key_hash, key_prefix) VALUES ($1, $2, $3, $4) RETURNING id`,
    [userId, opts.name ?? "driftline", hashApiKey(key), key.slice(0, 8)],
  );
  return { id: rows[0].id, key, userId };
}

/** The user a key belongs to, or undefined for an unknown, revoked or expired key. */
export async function userForKey(db: Database, key: string): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string; user_id: string }>(
    `UPDATE api_keys SET last_used_at = (now() AT TIME ZONE 'UTC')
      WHERE key_hash = $1 AND revoked_at IS NULL
        AND (expires_at IS NULL OR expires_at > (now() AT TIME ZONE 'UTC'))
      RETURNING id, user_id`,
    [hashApiKey(key)],
  );
  return rows[0]?.user_id ?? undefined;
}

/** A key as listed to an operator: never the key or its hash. */
export interface ApiKeyInfo {
  id: string;
  name: string | null;
  /** The key's first characters (dl_ plus five), enough to recognise it. */
  prefix: string | null;
  userId: string | null;
  email: string | null;
  createdAt: string | null;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export async function listApiKeys(db: Database): Promise<ApiKeyInfo[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT k.id, k.name, k.key_prefix, k.user_id, u.email, k.created_at, k.last_used_at, k.expires_at,
            k.revoked_at
       FROM api_keys k LEFT JOIN users u ON u.id = k.user_id
      ORDER BY k.created_at, k.id`,
  );
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const time = (v: unknown) =>
    v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v);
  return rows.map((r) => ({
    id: String(r.id),
    name: text(r.name),
    prefix: text(r.key_prefix),
    userId: text(r.user_id),
    email: text(r.email),
    createdAt: time(r.created_at),
    lastUsedAt: time(r.last_used_at),
    expiresAt: time(r.expires_at),
    revokedAt: time(r.revoked_at),
  }));
}

/**
 * Revokes the key with this id, or the one key whose prefix this is; returns the revoked key's id. Throws
 * when nothing matches, when a prefix matches several keys, or when the key is already revoked.
 */
export async function revokeApiKey(db: Database, idOrPrefix: string): Promise<string> {
  const wanted = idOrPrefix.trim();
  const keys = await listApiKeys(db);
  const matches = keys.filter((k) => k.id === wanted || (wanted.length >= 4 && k.prefix === wanted));
  if (matches.length === 0) throw new Error(`no API key with id or prefix "${wanted}" (see: apikey list)`);
  if (matches.length > 1)
    throw new Error(`prefix "${wanted}" matches ${matches.length} keys; give the key's id instead`);
  const key = matches[0];
  if (key.revokedAt) throw new Error(`API key ${key.id} was already revoked at ${key.revokedAt}`);
  await db.query(`UPDATE api_keys SET revoked_at = (now() AT TIME ZONE 'UTC') WHERE id = $1`, [key.id]);
  return key.id;
}

export async function countApiKeys(db: Database): Promise<number> {
  const { rows } = await db.query<{ n: string | number }>(
    "SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NULL",
  );
  return Number(rows[0]?.n ?? 0);
}
