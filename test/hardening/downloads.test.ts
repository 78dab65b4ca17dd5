// Issue 24.8: downloads are streamed from storage. Before, each download read the whole product into memory:
// 24 parallel downloads of a 54 MB product took the server from 1.2 to 3.2 GB. Now the same load stays under
// 300 MB above idle (server and client share this process, so the figure bounds both).
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeNetcdf3 } from "../../src/io/netcdf/write-classic.js";
import { MAX_CLOUD_POINTS } from "../../src/service/api/results.js";
import type { LocalStorage } from "../../src/service/embedded/local-storage.js";
import { call, SMALL_MISSION, useTestServer } from "../api/helpers.js";

const MB = 1024 * 1024;
const SIZE = 60 * MB;

const server = useTestServer({ auth: "open", worker: false, forcingDir: null }).current;

/** Writes `bytes` of a repeating pattern to `file` a megabyte at a time. */
async function bigFile(file: string, bytes: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  const chunk = Buffer.alloc(MB, "driftline ");
  for (let n = 0; n < bytes; n += MB) {
    if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
}

/** A mission marked completed (no worker runs it); its products are written by the test. */
async function completedMission(): Promise<string> {
  const created = await call(server(), "POST", "/api/v1/missions", SMALL_MISSION);
  const id = created.json.data.id as string;
  await server().services.db.query(
    "UPDATE missions SET status = 'completed', completed_at = (now() AT TIME ZONE 'UTC') WHERE id = $1",
    [id],
  );
  return id;
}

const productPath = (id: string, name: string) =>
  (server().services.storage as LocalStorage).pathOf("driftline-results", `${id}/${name}`);

describe("downloads", () => {
  it("streams a large product: 24 parallel downloads stay under +300 MB", async () => {
    const id = await completedMission();
    await bigFile(productPath(id, "raw/particles.nc"), SIZE);

    const url = `${server().url}/api/v1/missions/${id}/results/download?format=netcdf`;
    const idle = process.memoryUsage().rss;
    let peak = idle;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    try {
      const sizes = await Promise.all(
        Array.from({ length: 24 }, async () => {
          const res = await fetch(url);
          expect(res.status).toBe(200);
          expect(res.headers.get("content-length")).toBe(String(SIZE));
          let n = 0;
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) n += chunk.byteLength;
          return n;
        }),
      );
      expect(sizes).toEqual(new Array(24).fill(SIZE));
    } finally {
      clearInterval(sampler);
    }
    const grown = (peak - idle) / MB;
    console.log(`24 parallel downloads of ${SIZE / MB} MB: RSS +${grown.toFixed(0)} MB`);
    expect(grown).toBeLessThan(300);
  }, 120_000);

  it("bounds the particle cloud: 20,000 particles × 200 times come as at most a million positions", async () => {
    const id = await completedMission();
    const nTraj = 20_000;
    const nTime = 200;
    const file = productPath(id, "raw/particles.nc");
    await mkdir(path.dirname(file), { recursive: true });
    const position = (base: number) => (row0: number, count: number, out: ArrayLike<number>) => {
      const o = out as Float32Array;
      for (let r = 0; r < count; r++)
        for (let t = 0; t < nTime; t++) o[r * nTime + t] = base + (row0 + r) * 1e-5 + t * 1e-4;
    };
    await writeNetcdf3(file, {
      dimensions: { trajectory: nTraj, time: nTime },
      attributes: {},
      variables: [
        {
          name: "time",
          type: "double",
          dims: ["time"],
          attributes: { units: "seconds since 2024-03-01 06:00:00" },
          data: Array.from({ length: nTime }, (_, t) => t * 600),
        },
        { name: "lon", type: "float", dims: ["trajectory", "time"], rows: position(4) },
        { name: "lat", type: "float", dims: ["trajectory", "time"], rows: position(59) },
      ],
    });
    // Parallel requests for the same cloud are computed once, and /health answers meanwhile.
    const clouds = Array.from({ length: 6 }, () =>
      call(server(), "GET", `/api/v1/missions/${id}/results/particles?max=20000`),
    );
    const health = await call(server(), "GET", "/health");
    expect(health.status).toBe(200);
    for (const r of await Promise.all(clouds)) {
      expect(r.status).toBe(200);
      const c = r.json.data;
      expect(c.particleCount).toBe(nTraj);
      expect(c.times).toHaveLength(nTime);
      expect(c.sampleCount).toBe(MAX_CLOUD_POINTS / nTime);
      expect(c.lon[nTime - 1]).toHaveLength(c.sampleCount);
    }
  }, 120_000);
});
