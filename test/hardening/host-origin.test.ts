// Issue 24.2: DNS rebinding. In open mode (no API key) a request addressed to another host name, or to
// the right name on another port, gets 403; a state-changing request from another web origin gets 403;
// the page's own requests (same origin) and curl's (no Origin) still work.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/service/embedded/app.js";
import { removeDir, startTestServer } from "../api/helpers.js";

let server: RunningServer & { dataDir: string };
beforeAll(async () => {
  server = await startTestServer({ worker: false, auth: "open" });
}, 60_000);
afterAll(async () => {
  await server?.close();
  if (server) removeDir(server.dataDir);
});

function send(method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: server.port,
        method,
        path,
        headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) },
      },
      (res) => {
        let text = "";
        res.on("data", (c) => {
          text += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("open mode answers only to this server's own names", () => {
  it("refuses a foreign Host with 403 (DNS rebinding)", async () => {
    const r = await send("GET", "/api/v1/missions", { host: `rebind.attacker.example:${server.port}` });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error).toMatch(/Host "rebind\.attacker\.example:\d+" is not this server/);
    const d = await send("DELETE", "/api/v1/missions/00000000-0000-0000-0000-000000000000", {
      host: "evil.example",
    });
    expect(d.status).toBe(403);
  });

  it("refuses a loopback name on another port", async () => {
    const r = await send("GET", "/api/v1/missions", { host: `localhost:${server.port + 1}` });
    expect(r.status).toBe(403);
  });

  it("answers localhost, 127.0.0.1 and [::1] on its port", async () => {
    for (const host of [`localhost:${server.port}`, `127.0.0.1:${server.port}`, `[::1]:${server.port}`]) {
      expect((await send("GET", "/api/v1/missions", { host })).status).toBe(200);
    }
  });

  it("refuses a state-changing request from another origin, accepts the page's own", async () => {
    const host = `127.0.0.1:${server.port}`;
    const body = JSON.stringify({});
    const foreign = await send("POST", "/api/v1/missions", { host, origin: "http://attacker.example" }, body);
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body).error).toMatch(/another origin/);
    // Same origin passes the guard (and then fails validation of the empty body: 400, not 403).
    const own = await send("POST", "/api/v1/missions", { host, origin: `http://${host}` }, body);
    expect(own.status).toBe(400);
    const curl = await send("POST", "/api/v1/missions", { host }, body);
    expect(curl.status).toBe(400);
  });
});
