// Issue 24.6: NUL and control bytes. The API refuses them in a mission's name and description with a
// field-level 400 (not a 500 with the database's text); a worker whose run fails with NULs and ESC bytes
// in its message records the real reason, cleaned and cut, so the mission says why it failed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_MESSAGE_CHARS, printableText } from "../../src/service/errors.js";
import { call, removeDir, SMALL_MISSION, startTestServer } from "../api/helpers.js";

const DAMAGED = `forcing file broken.nc: bad header \u0000\u0000\u0000\u001b[31mred\u001b[0m ${"\u0000".repeat(5000)} end`;

/** The control characters of a text other than tab and newline. */
const controls = (t: string) =>
  [...t].filter((c) => {
    const k = c.charCodeAt(0);
    return (k < 32 && c !== "\t" && c !== "\n") || (k >= 0x7f && k <= 0x9f);
  });

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({
    auth: "open",
    runner: async () => {
      const e = new Error(DAMAGED);
      e.name = "SpecError"; // permanent: no retries
      throw e;
    },
  });
}, 60_000);
afterAll(async () => {
  await server?.close();
  if (server) removeDir(server.dataDir);
});

describe("control bytes", () => {
  it("cleans and caps a message for the database, logs and terminals", () => {
    const t = printableText(`a\u0000b\u001b[1mc\td\ne\u009bf${"x".repeat(3000)}`);
    expect(t.startsWith("a b [1mc\td\ne f")).toBe(true);
    expect(controls(t)).toEqual([]);
    expect(t.length).toBeLessThan(MAX_MESSAGE_CHARS + 40);
    expect(t).toMatch(/… \(\d+ more characters\)$/);
  });

  it("refuses a NUL in the name or description with a field-level 400", async () => {
    const named = await call(server, "POST", "/api/v1/missions", { ...SMALL_MISSION, name: "raft\u0000one" });
    expect(named.status).toBe(400);
    expect(named.json.details).toEqual([
      expect.objectContaining({ field: "name", message: expect.stringMatching(/control characters/) }),
    ]);
    const described = await call(server, "POST", "/api/v1/missions", {
      ...SMALL_MISSION,
      description: "seen at dawn\u0000\u001b[2J",
    });
    expect(described.status).toBe(400);
    expect(described.json.details[0].field).toBe("description");
    const lines = await call(server, "POST", "/api/v1/missions", {
      ...SMALL_MISSION,
      description: "line one\nline two\tend",
    });
    expect(lines.status).toBe(201);
  });

  it("records a failure whose message is full of NULs and ESC bytes with its real reason", async () => {
    const created = await call(server, "POST", "/api/v1/missions", SMALL_MISSION);
    expect(created.status).toBe(201);
    const id = created.json.data.id;
    let mission: { status: string; errorMessage: string | null } = { status: "", errorMessage: null };
    await expect
      .poll(
        async () => {
          mission = (await call(server, "GET", `/api/v1/missions/${id}`)).json.data;
          return mission.status;
        },
        { timeout: 30_000, interval: 200 },
      )
      .toBe("failed");
    expect(mission.errorMessage).toContain("forcing file broken.nc: bad header");
    expect(mission.errorMessage).toContain("red");
    expect(mission.errorMessage).toMatch(/ end$/);
    expect(controls(mission.errorMessage ?? "")).toEqual([]);
  }, 40_000);
});
