// Issue 24.10 (part): with keys required, /health tells an anonymous caller only that the service is
// healthy; version, mode and queue depth go to callers with a valid key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, removeDir, startTestServer } from "../api/helpers.js";

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ worker: false, auth: "required" });
}, 60_000);
afterAll(async () => {
  await server?.close();
  if (server) removeDir(server.dataDir);
});

describe("/health with keys required", () => {
  it("says only 'healthy' without a key, the details with one", async () => {
    expect((await call(server, "GET", "/health")).json).toEqual({ status: "healthy" });
    const wrong = await call(server, "GET", "/api/v1/health", undefined, {
      authorization: "Bearer dl_wrong",
    });
    expect(wrong.json).toEqual({ status: "healthy" });
    const key = server.createdApiKey!;
    const known = await call(server, "GET", "/api/v1/health", undefined, { authorization: `Bearer ${key}` });
    expect(known.json).toMatchObject({
      status: "healthy",
      version: expect.any(String),
      queue: expect.any(Object),
    });
  });
});
