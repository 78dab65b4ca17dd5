// Thread of fuzz-corpus.test.ts: opens each damaged file it is sent as a forcing file would be opened
// (describe, open its vectors, prepare and sample one time) and answers how it ended. A hang never answers:
// the test then terminates this thread and names the file.
import { parentPort } from "node:worker_threads";
import type { ForcingSource } from "../../src/core/types.js";
import { describeFile, sourcesForPaths } from "../../src/forcing/formats.js";

async function exercise(path: string): Promise<string> {
  const d = await describeFile(path);
  for (const kind of ["wind", "current"] as const) {
    if (!d.vectors.some((v) => v.kind === kind)) continue;
    const sources: ForcingSource[] = await sourcesForPaths([path], kind);
    for (const s of sources) {
      const [t0] = s.timeRange;
      const area = d.vectors.find((v) => v.kind === kind)?.area;
      const lon = new Float64Array([area ? (area.west + area.east) / 2 : 0]);
      const lat = new Float64Array([area ? (area.south + area.north) / 2 : 0]);
      await s.prepare?.({ start: t0, end: t0 + 3600, west: -180, east: 360, south: -90, north: 90 });
      s.sample(t0, lon, lat, 1, new Uint8Array([1]), new Float64Array(1), new Float64Array(1));
    }
  }
  return "read";
}

parentPort?.on("message", async (path: string) => {
  let outcome: string;
  try {
    outcome = await exercise(path);
  } catch (e) {
    outcome = `refused: ${(e as Error).name}`;
  }
  parentPort?.postMessage(outcome);
});
