// Security: parameterised SQL only (a source audit of src/service), object keys only from validated UUIDs,
// API authentication on every mission route and each user seeing only their own missions, and no secrets in
// logs, error messages or dead letters (a real worker process given passwords, its S3 server unreachable).
// 25–60 s.
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { PRODUCT_FILES, type ProductName } from "../../src/products/registry.js";
import { LocalStorage } from "../../src/service/embedded/local-storage.js";
import { productKey } from "../../src/service/storage/keys.js";
import { have } from "../helpers/needs.js";
import {
  type ApiHarness,
  addMission,
  BUCKET,
  freePort,
  jobJson,
  killAllWorkers,
  missionRow,
  queueName,
  REDIS_URL,
  type RestartableS3,
  ROOT,
  smallParams,
  startApiHarness,
  startFileServices,
  startWorkerProcess,
  stopFileServices,
  type TestDatabase,
  token,
  waitFor,
  workerEnv,
} from "./helpers.js";
import { grepLines, sourceFiles, templateLiterals } from "./source-scan.js";

const SERVICE = path.join(ROOT, "src/service");
const rel = (f: string) => path.relative(ROOT, f);

// ---- SQL ---------------------------------------------------------------------------------------------------

/** Text that is SQL: statements and the fragments the API assembles (WHERE …, $n placeholders). */
const SQL_TEXT =
  /\b(SELECT\b[\s\S]*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+(TABLE|INDEX|UNIQUE|DATABASE)|ALTER\s+TABLE|DROP\s+(TABLE|INDEX|DATABASE)|WHERE|ORDER BY|LIMIT)\b/;

/**
 * Interpolations reviewed as constant SQL fragments built only from the program's own text, never from a
 * value: "file: expression" → why it is safe. Anything new fails the test until reviewed and listed here.
 */
const REVIEWED_FRAGMENTS: Record<string, string> = {
  "src/service/db/migrations.ts: NOW_UTC": "constant expression (now() AT TIME ZONE 'utc')",
  "src/service/db/migrations.ts: LOCK": "constant advisory-lock statement",
  "src/service/db/migrations.ts: m.sql": "migration text defined in the source, no parameters",
  "src/service/db/migrations.ts: literal(m.id)": "migration id from the source, quoted by literal()",
  "src/service/db/migrations.ts: literal(m.description)":
    "migration description from the source, quoted by literal()",
  "src/service/db/missions.ts: NOW_UTC": "constant expression",
  "src/service/db/missions.ts: seen": "constant condition on $4/$5 placeholders, or empty",
  "src/service/retention.ts: NOW_UTC": "constant expression",
  "src/service/db/mission-parts.ts: NOW_UTC": "constant expression",
  "src/service/db/planning.ts: NOW_UTC": "constant expression (a column default in the migration text)",
  "src/service/db/missions.ts: ISO": "constant to_char format",
  'src/service/db/missions.ts: RESULT_COLUMNS.join(", ")': "column names from a constant list",
  "src/service/db/missions.ts: updates": "`col = EXCLUDED.col` for the constant column list",
  "src/service/db/api-missions.ts: NOW_UTC": "constant expression",
  'src/service/db/api-missions.ts: where.join(" AND ")': "constant conditions with $n placeholders",
  "src/service/db/api-missions.ts: whereSql": "`WHERE` + the constant conditions above",
  'src/service/db/api-keys.ts: names.join(", ")':
    'column names read from information_schema, each double-quoted with "" escaping (identifiers, not values)',
  'src/service/db/api-keys.ts: values.map((_, i) => `$${i + 1}`).join(", ")': "$1, $2 … placeholders",
};

describe("SQL is parameterised", () => {
  const literals = sourceFiles(SERVICE).flatMap((f) => templateLiterals(readFileSync(f, "utf8"), rel(f)));

  it("finds the SQL of src/service (the audit sees what it should)", () => {
    const sql = literals.filter((t) => SQL_TEXT.test(t.text));
    expect(sql.length).toBeGreaterThan(15);
    expect(
      sql.some((t) => t.file === "src/service/db/missions.ts" && /INSERT INTO mission_results/.test(t.text)),
    ).toBe(true);
  });

  it("every interpolation into SQL text is a $n placeholder number or a reviewed constant fragment", () => {
    const problems: string[] = [];
    for (const t of literals) {
      if (!SQL_TEXT.test(t.text) && !t.expressions.some((e) => e.placeholder)) continue;
      for (const e of t.expressions) {
        if (e.placeholder && /^[\w.]+(\s*[+-]\s*\d+)?$/.test(e.expr)) continue; // $${n}: a parameter number
        if (REVIEWED_FRAGMENTS[`${t.file}: ${e.expr}`]) continue;
        problems.push(`${t.file}:${t.line}: \${${e.expr}} in SQL text`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("no SQL is built by concatenating strings with +", () => {
    const hits = grepLines(sourceFiles(SERVICE), /["'`]\s*\+\s*\w|\w\s*\+\s*["'`]/).filter((h) =>
      /\b(SELECT|INSERT|UPDATE|DELETE|WHERE|VALUES)\b/.test(h.text),
    );
    expect(hits.map((h) => `${rel(h.file)}:${h.line}: ${h.text}`)).toEqual([]);
  });
});

// ---- object keys ------------------------------------------------------------------------------------------------

describe("object keys come only from validated UUIDs", () => {
  const products = Object.keys(PRODUCT_FILES) as ProductName[];

  it("productKey refuses anything that is not a UUID", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.constantFrom(
            "../../etc/passwd",
            "",
            "/",
            "a/b",
            "9b2f0c1e-1111-4222-8333-444455556666/../x",
            "%2e%2e",
          ),
          fc.uuid().map((u) => `${u}/..`),
          fc.uuid().map((u) => `../${u}`),
        ),
        fc.constantFrom(...products),
        (text, product) => {
          fc.pre(!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text));
          expect(() => productKey(text, product)).toThrow(/is not a UUID; refusing to build an object key/);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("a UUID gives a key inside the mission's own prefix", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.boolean(), fc.constantFrom(...products), (uuid, upper, product) => {
        const id = upper ? uuid.toUpperCase() : uuid;
        const key = productKey(id, product);
        expect(key.startsWith(`${uuid.toLowerCase()}/`)).toBe(true);
        expect(key).toMatch(/^[0-9a-f-]{36}\/(raw\/)?[a-z_]+\.[a-z]+$/);
      }),
      { numRuns: 500 },
    );
  });

  it("local storage (embedded mode) refuses keys that would leave its directory", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "driftline-rel-local-"));
    try {
      const storage = new LocalStorage(dir);
      for (const key of ["../x", "a/../../x", "/etc/passwd", "a//b", "./a", ""]) {
        await expect(storage.put(BUCKET, key, new Uint8Array([1]), "text/plain")).rejects.toThrow(
          /object key/,
        );
        await expect(storage.get(BUCKET, key)).rejects.toThrow(/object key/);
      }
      await expect(storage.put("../etc", "a", new Uint8Array([1]), "text/plain")).rejects.toThrow(
        /bucket name/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("every object-storage call in src/service is a reviewed site whose key comes from productKey or a listing under a validated mission prefix", () => {
    const REVIEWED: Record<string, string> = {
      "src/service/worker/mission-job.ts: put":
        "key = productKey(id, name) with id from parseEnvelope (UUID-checked)",
      "src/service/worker/mission-job.ts: delete":
        "keys of the URIs the same job built with productKey, or partKey(id, index) of a split mission's parts",
      "src/service/worker/mission-job.ts: get":
        "partKey(id, index): id from parseEnvelope (UUID-checked), index an integer of the split (split-merge.ts)",
      "src/service/api/planning.ts: exists":
        "revisionKey(id, n, file): id of a loaded mission, n an integer revision, file from PRODUCT_FILES/REVISION_FILE",
      "src/service/api/planning.ts: get":
        "revisionKey as above, or <id>/plans/<planId>/<file>: planId UUID-checked and found in mission_plans for id, file from PLAN_FILES (z.enum)",
      "src/service/api/planning.ts: put":
        "<id>/plans/<new plan row id>/<PLAN_FILES value>, or revisionKey(id, n, name of a file our own writer made)",
      "src/service/api/planning.ts: list": "prefix <id>/, id from a row loaded by a UUID-checked id",
      "src/service/api/validation.ts: exists":
        "productKey(id, netcdf), or <id>/validations/<vid>/<file>: vid UUID-checked, file matching FILE (validation.json|csv|pdf|-N.png)",
      "src/service/api/validation.ts: get": "the same keys as exists",
      "src/service/api/validation.ts: put":
        "<id>/validations/<randomUUID()>/<basename of a file our own validate wrote>",
      "src/service/api/validation.ts: list":
        "prefix <id>/validations/[<vid>/], id of a loaded mission, vid UUID-checked",
      "src/service/api/missions.ts: list": "prefix <id>/, id from a row loaded by a UUID-checked id",
      "src/service/api/missions.ts: delete": "keys returned by that listing",
      "src/service/api/results.ts: list": "prefix <id>/, id from a row loaded by a UUID-checked id",
      "src/service/api/results.ts: get": "keys returned by that listing, picked by fixed product file names",
      "src/service/api/results.ts: openRead": "the same keys, streamed (downloads, the cloud's local copy)",
      "src/service/retention.ts: list":
        "prefix <id>/, id from a missions row (DELETE /missions/:id after its UUID check, or retention's query)",
      "src/service/retention.ts: delete": "keys returned by that listing",
    };
    const sites: string[] = [];
    for (const f of sourceFiles(SERVICE)) {
      const text = readFileSync(f, "utf8");
      for (const m of text.matchAll(/storage\s*\.\s*(put|get|delete|list|exists|openRead)\s*\(/g)) {
        const site = `${rel(f)}: ${m[1]}`;
        if (!sites.includes(site)) sites.push(site);
      }
    }
    const storageImplementations = /src\/service\/(storage|embedded)\//;
    const unreviewed = sites.filter((s) => !REVIEWED[s] && !storageImplementations.test(s));
    expect(unreviewed).toEqual([]);
  });
});

// ---- the API: authentication and ownership ------------------------------------------------------------------------

let database: TestDatabase;
let s3: RestartableS3;
let api: ApiHarness;

const SERVICES = await have(
  "test/reliability/security.test.ts: the API on PostgreSQL and Redis",
  "postgres",
  "redis",
);

beforeAll(async () => {
  if (!SERVICES) return;
  ({ database, s3 } = await startFileServices());
  api = await startApiHarness(s3.endpoint, database);
});
afterEach(killAllWorkers);
afterAll(async () => {
  await api?.close();
  await stopFileServices({ database, s3 });
});

const MISSION = {
  name: "owned by A",
  lastKnownLat: 59.3,
  lastKnownLon: 4.6,
  lastKnownTime: "2024-03-01T06:00:00Z",
  objectType: "Life Raft",
  forecastHours: 6,
  ensembleSize: 200,
};

async function send(method: string, url: string, headers: Record<string, string> = {}, body?: unknown) {
  const r = await api.app.inject({
    method: method as "GET",
    url,
    headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });
  return r;
}
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** A's mission, completed, with a result row and one stored product, so every route has something to show. */
async function completedMissionOfA(): Promise<string> {
  const created = await send("POST", "/api/v1/missions", bearer(api.users.a.key), MISSION);
  expect(created.statusCode).toBe(201);
  const id = created.json().data.id as string;
  await database.db.query(
    "UPDATE missions SET status = 'completed', completed_at = now() AT TIME ZONE 'utc', progress = 1 WHERE id = $1",
    [id],
  );
  await database.db.query(
    "INSERT INTO mission_results (mission_id, particle_count, netcdf_path) VALUES ($1, 200, $2)",
    [id, `s3://${BUCKET}/${id}/raw/particles.nc`],
  );
  await s3.storage.put(
    BUCKET,
    `${id}/report.pdf`,
    new TextEncoder().encode("%PDF-1.4 test"),
    "application/pdf",
  );
  return id;
}

/** Every route the API registers, read from its source: [method, path]. */
function registeredRoutes(): [string, string][] {
  const routes: [string, string][] = [];
  for (const f of sourceFiles(path.join(SERVICE, "api"))) {
    for (const m of readFileSync(f, "utf8").matchAll(
      /app\.(get|post|put|patch|delete)(?:<[^>]*>)?\(\s*"([^"]+)"/g,
    ))
      routes.push([m[1].toUpperCase(), m[2]]);
  }
  return routes;
}

const PUBLIC_ROUTES = new Set([
  "GET /",
  "GET /health",
  "GET /api/v1/health",
  "GET /api/v1/openapi.json",
  "GET /api/docs",
  "GET /api/v1/object-types",
  "GET /api/v1/coastline",
  "GET /api/v1/coastline/land",
  "GET /web/*",
  "GET /vendor/leaflet/*",
]);

describe.runIf(SERVICES)("API authentication on every route but the public ones", () => {
  it("the route list from the source has the mission routes (the audit sees what it should)", () => {
    const missionRoutes = registeredRoutes().filter(([, p]) => p.startsWith("/api/v1/missions"));
    expect(missionRoutes.length).toBeGreaterThanOrEqual(9);
  });

  it("without a key, or with a wrong, revoked or expired key: 401 with a WWW-Authenticate header", async () => {
    const id = await completedMissionOfA();
    const revoked = await (await import("../../src/service/db/api-keys.js")).createApiKey(database.db, {
      userId: api.users.a.id,
    });
    await database.db.query("UPDATE api_keys SET revoked_at = now() WHERE user_id = $1 AND key_prefix = $2", [
      api.users.a.id,
      revoked.key.slice(0, 8),
    ]);
    const expired = await (await import("../../src/service/db/api-keys.js")).createApiKey(database.db, {
      userId: api.users.a.id,
    });
    await database.db.query(
      "UPDATE api_keys SET expires_at = now() - interval '1 day' WHERE key_prefix = $1",
      [expired.key.slice(0, 8)],
    );
    const attempts: [string, Record<string, string>][] = [
      ["no key", {}],
      ["wrong key", bearer(`dl_${token()}`)],
      ["revoked key", bearer(revoked.key)],
      ["expired key", bearer(expired.key)],
      ["empty bearer", { authorization: "Bearer " }],
      ["basic auth", { authorization: `Basic ${Buffer.from(`a:${api.users.a.key}`).toString("base64")}` }],
      ["key in the query string", {}],
    ];
    let checked = 0;
    for (const [method, route] of registeredRoutes()) {
      if (PUBLIC_ROUTES.has(`${method} ${route}`)) continue;
      const url = route.replace(":id", id);
      for (const [what, headers] of attempts) {
        const target = what === "key in the query string" ? `${url}?key=${api.users.a.key}` : url;
        const r = await send(method, target, headers, method === "POST" ? MISSION : undefined);
        expect(r.statusCode, `${what}: ${method} ${url}`).toBe(401);
        expect(r.headers["www-authenticate"], `${what}: ${method} ${url}`).toMatch(/^Bearer/);
        expect(r.json().error).toMatch(/API key|authentication required/);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10 * attempts.length);
  });

  it("path tricks do not reach a mission route without a key", async () => {
    const id = await completedMissionOfA();
    for (const url of [
      "/web/../api/v1/missions",
      "/web/..%2fapi/v1/missions",
      `/vendor/leaflet/../../api/v1/missions/${id}`,
      "/api/v1/health/../missions",
      "//api/v1/missions",
      "/api/v1//missions",
      "/api/v1/missions/",
      "/API/V1/MISSIONS",
      "/api/v1/%6Dissions",
      `/api/v1/missions/${id}?/health`,
      `/api/v1/missions/${id}#/health`,
      `/api/v1/missions;/health`,
      `/api/v1/object-types/../missions/${id}`,
    ]) {
      const r = await send("GET", url);
      expect(r.statusCode, url).not.toBe(200);
      expect(r.statusCode, url).toBeLessThan(500);
      expect(r.body, url).not.toContain(id);
      expect(r.body, url).not.toContain("owned by A");
    }
  });
});

describe.runIf(SERVICES)("each user sees only their own missions", () => {
  it("B gets 404 for every route of A's mission (existence not revealed), and B's list leaves it out", async () => {
    const id = await completedMissionOfA();
    const a = bearer(api.users.a.key);
    const b = bearer(api.users.b.key);
    const perMission = registeredRoutes().filter(([, p]) => p.includes(":id"));
    expect(perMission.length).toBeGreaterThanOrEqual(7);
    for (const [method, route] of perMission) {
      if (method === "DELETE") continue; // below, after the reads
      // Sub-resources (plans, revisions, validations) get ids that exist nowhere: A learns "no such plan",
      // B must still learn nothing but "mission not found".
      const url =
        route
          .replace(":id", id)
          .replace(/:(planId|vid)\b/, "00000000-0000-4000-8000-000000000000")
          .replace(/:n\b/, "0") + (route.endsWith("/download") ? "?format=pdf" : "");
      const subResource = /\/(plans|searches|revisions|validations|corrections)\b/.test(route);
      // A's mission stores only report.pdf: the routes that read particles.nc or density.nc find nothing
      // for A either (404), and /events streams; B must still get 404 on all of them.
      if (!route.endsWith("/events") && !route.endsWith("/particles") && !route.endsWith("/density")) {
        const own = await send(method, url, a, subResource && method === "POST" ? {} : undefined);
        if (subResource) {
          // A reaches the route (its own mission is found); the empty body or unknown sub-id is refused.
          expect(own.statusCode, `A: ${method} ${url}`).toBeLessThan(500);
          expect(own.body, `A: ${method} ${url}`).not.toContain(`mission ${id} not found`);
        } else {
          expect(own.statusCode, `A: ${method} ${url}`).toBe(200);
        }
      }
      const other = await send(method, url, b, subResource && method === "POST" ? {} : undefined);
      expect(other.statusCode, `B: ${method} ${url}`).toBe(404);
      expect(other.json().error).toBe(`mission ${id} not found`);
    }
    const del = await send("DELETE", `/api/v1/missions/${id}`, b);
    expect(del.statusCode).toBe(404);
    expect((await missionRow(database.db, id)).status).toBe("completed");
    expect(await s3.storage.exists(BUCKET, `${id}/report.pdf`)).toBe(true);

    const listB = await send("GET", "/api/v1/missions?perPage=100", b);
    expect(listB.statusCode).toBe(200);
    expect(listB.json().data.map((m: { id: string }) => m.id)).not.toContain(id);
    const filtered = await send("GET", "/api/v1/missions?status=completed&perPage=100", b);
    expect(filtered.json().total).toBe(0);
    const listA = await send("GET", "/api/v1/missions?perPage=100", a);
    expect(listA.json().data.map((m: { id: string }) => m.id)).toContain(id);

    // What B creates is B's, whatever the body says.
    const mine = await send("POST", "/api/v1/missions", b, {
      ...MISSION,
      name: "B's",
      user_id: api.users.a.id,
    });
    expect(mine.statusCode).toBe(201);
    const owner = await database.db.query("SELECT user_id::text AS u FROM missions WHERE id = $1", [
      mine.json().data.id,
    ]);
    expect(owner.rows[0].u).toBe(api.users.b.id);
    expect((await send("GET", `/api/v1/missions/${mine.json().data.id}`, a)).statusCode).toBe(404);
  });
});

// ---- no secrets in logs, error messages or dead letters -------------------------------------------------------------

describe.runIf(SERVICES)("no secrets in logs or error messages", () => {
  it("a worker process given passwords never prints or stores them, even when its services fail", async () => {
    const secrets = {
      db: `db-pass-${token()}`,
      redis: `redis-pass-${token()}`,
      s3: `s3-secret-${token()}`,
      s3Url: `s3-url-pass-${token()}`,
    };
    const queue = queueName("secrets");
    const dbUrl = new URL(database.url);
    dbUrl.password = secrets.db; // trust authentication ignores it
    const redisUrl = new URL(REDIS_URL);
    redisUrl.password = secrets.redis; // the local Redis has no password: ioredis goes on without
    // Nothing listens there: every upload fails, and the failure is reported with the endpoint.
    const deadS3 = `http://minio:${secrets.s3Url}@127.0.0.1:${await freePort()}`;
    const env = workerEnv({
      databaseUrl: dbUrl.toString(),
      redisUrl: redisUrl.toString(),
      s3Endpoint: deadS3,
      queueName: queue,
      extra: {
        S3_SECRET_KEY: secrets.s3,
        LOG_LEVEL: "debug",
        MAX_ATTEMPTS: "2",
        OUTAGE_RETRY_SECONDS: "1",
        RETRY_BASE_SECONDS: "0.2",
      },
    });
    const good = await addMission(database.db, "cannot upload");
    const bad = await addMission(database.db, "invalid job");
    const redis = new Redis(REDIS_URL);
    try {
      await redis.rpush(queue, jobJson(good, smallParams({ products: ["netcdf", "summary"] })));
      await redis.rpush(queue, jobJson(bad, smallParams({ latitude: 123 })));
      await redis.rpush(queue, "not json at all");
      const worker = startWorkerProcess(env);
      onTestFailed(() => console.log(worker.output().slice(-6000)));
      await worker.id();
      const failed = await waitFor(
        async () => {
          const m = await missionRow(database.db, good);
          return m.status === "failed" ? m : null;
        },
        "the upload failed for good",
        90_000,
        200,
      );
      expect(failed.error_message).toMatch(/^failed after 2 attempts: create results bucket: /);
      await waitFor(
        async () => (await missionRow(database.db, bad)).status === "failed",
        "invalid job failed",
      );
      worker.child.kill("SIGTERM");
      expect((await worker.exited).code).toBe(0);

      const everything = [
        worker.output(),
        JSON.stringify(
          await database.db.query("SELECT * FROM missions WHERE id = ANY($1::uuid[])", [[good, bad]]),
        ),
        JSON.stringify(await redis.lrange(`${queue}:dead`, 0, -1)),
      ].join("\n");
      expect(everything).toContain("failed after 2 attempts"); // the failures are there, explained
      for (const [what, secret] of Object.entries(secrets))
        expect(everything.includes(secret), what).toBe(false);
      // The start-up line shows the configuration with the secrets masked.
      const start = worker.logs().find((l) => l.msg === "driftline worker starting") as {
        config: Record<string, string>;
      };
      expect(start.config.s3SecretKey).toBe("***");
      expect(start.config.databaseUrl).toContain(":***@");
      expect(start.config.redisUrl).toContain(":***@");
    } finally {
      const keys = await redis.keys(`${queue}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  }, 150_000);

  it("a start-up refused for bad settings lists every problem without echoing secret-bearing values", async () => {
    const secret = `pw-${token()}`;
    const worker = startWorkerProcess({
      DATABASE_URL: `mysql://user:${secret}@db.example/driftline`,
      REDIS_URL: `http://:${secret}@127.0.0.1:6379`,
      S3_ENDPOINT: "ftp://minio:9000",
      S3_ACCESS_KEY: "key",
      S3_SECRET_KEY: secret,
      MAX_CONCURRENT_JOBS: "0",
    });
    expect((await worker.exited).code).toBe(2);
    const out = worker.output();
    expect(out).toContain("invalid configuration (4 problems)");
    for (const name of ["DATABASE_URL", "REDIS_URL", "S3_ENDPOINT", "MAX_CONCURRENT_JOBS"])
      expect(out).toContain(name);
    expect(out.includes(secret)).toBe(false);
  }, 60_000);
});
