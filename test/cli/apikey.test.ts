// `driftline apikey create|list|revoke` on the embedded database: a revoked key no longer authenticates.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/apikey.js";
import { type ApiKeyInfo, userForKey } from "../../src/service/db/api-keys.js";
import { PGliteDatabase } from "../../src/service/embedded/pglite-database.js";
import { capture } from "../helpers/capture.js";

const dataDir = mkdtempSync(path.join(os.tmpdir(), "driftline-apikey-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs the command on this test's data directory, with its output captured. */
const apikey = (...args: string[]) => capture(() => run([...args, "--data-dir", dataDir]));

describe("driftline apikey", () => {
  it("creates, lists (never the key) and revokes keys; a revoked key stops working", async () => {
    const a = await apikey("create", "--name", "ops laptop");
    const b = await apikey("create", "--name", "dashboard", "--email", "rcc@example.org");
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const keyA = a.out.trim();
    const keyB = b.out.trim();
    expect(keyA).toMatch(/^dl_/);

    const listed = await apikey("list", "--json");
    expect(listed.code).toBe(0);
    const keys = JSON.parse(listed.out) as ApiKeyInfo[];
    expect(keys.map((k) => k.name)).toEqual(["ops laptop", "dashboard"]);
    expect(keys[1].email).toBe("rcc@example.org");
    expect(keys.every((k) => k.revokedAt === null)).toBe(true);
    expect(listed.out).not.toContain(keyA);
    expect(listed.out).not.toContain(keyB);
    expect(listed.out).not.toMatch(/hash/);

    const byPrefix = await apikey("revoke", keyA.slice(0, 8));
    expect(byPrefix.code).toBe(0);
    expect(byPrefix.err).toContain(keys[0].id);
    const again = await apikey("revoke", keys[0].id);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already revoked/);
    const unknown = await apikey("revoke", "dl_nope");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/no API key with id or prefix "dl_nope"/);
    expect((await apikey("revoke")).code).toBe(2);

    const text = await apikey("list");
    expect(text.out).toMatch(/ops laptop .*revoked /);
    expect(text.out).toMatch(/dashboard .*active/);

    const db = await PGliteDatabase.open(path.join(dataDir, "pg"));
    try {
      expect(await userForKey(db, keyA)).toBeUndefined();
      expect(await userForKey(db, keyB)).toBe(keys[1].userId);
    } finally {
      await db.close();
    }
  }, 120_000);
});
