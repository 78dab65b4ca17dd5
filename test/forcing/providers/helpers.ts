// Shared pieces of the provider tests: the arctic20 mission's window, temporary catalogs, fast HTTP
// options, and sampling a file through the forcing readers.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ForcingWindow } from "../../../src/core/types.js";
import type { VectorKind } from "../../../src/forcing/discover.js";
import { openVectorSources } from "../../../src/forcing/netcdf-format.js";
import type { HttpOptions } from "../../../src/forcing/providers/http.js";
import { parseSimulationSpec } from "../../../src/pipeline/spec.js";
import { reachableWindow } from "../../../src/pipeline/window.js";

export const SCENARIO = new URL("../../fixtures/scenarios/arctic20.json", import.meta.url).pathname;

export function arctic20Spec(): Record<string, unknown> {
  return JSON.parse(readFileSync(SCENARIO, "utf8"));
}

/** The window the arctic20 mission can reach (the lead's reachableWindow). */
export function arctic20Window(): ForcingWindow {
  return reachableWindow(parseSimulationSpec(arctic20Spec()).simulation);
}

/** Fast retries for tests: 3 tries, 20 ms backoff (timeouts generous: the machine may be busy). */
export const FAST_HTTP: HttpOptions = { timeoutMs: 15_000, attempts: 3, baseDelayMs: 20, maxDelayMs: 100 };

/** A fixed "now" well after 2016 (the GFS runs of the test are then all published). */
export const NOW = Date.UTC(2016, 1, 3);

export function tempDir(name: string): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `driftline-${name}-`));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Samples the vector of a file through the forcing readers at a grid of points inside the window, at
 * several times: [u0, v0, u1, v1, …] (NaN where the file has no data).
 */
export async function samples(
  path: string,
  kind: VectorKind,
  w: ForcingWindow,
  points = 9,
  times = 7,
): Promise<Float64Array> {
  const [src] = await openVectorSources([path], kind);
  await src.prepare(w);
  const n = points * points;
  const lon = new Float64Array(n);
  const lat = new Float64Array(n);
  for (let a = 0; a < points; a++) {
    for (let b = 0; b < points; b++) {
      lon[a * points + b] = w.west + ((w.east - w.west) * (a + 0.37)) / points;
      lat[a * points + b] = w.south + ((w.north - w.south) * (b + 0.61)) / points;
    }
  }
  const out = new Float64Array(2 * n * times);
  const u = new Float64Array(n);
  const v = new Float64Array(n);
  const need = new Uint8Array(n);
  for (let k = 0; k < times; k++) {
    const t = w.start + ((w.end - w.start) * k) / (times - 1);
    need.fill(1);
    u.fill(Number.NaN);
    v.fill(Number.NaN);
    src.sample(t, lon, lat, n, need, u, v);
    for (let i = 0; i < n; i++) {
      out[2 * (k * n + i)] = need[i] ? Number.NaN : u[i];
      out[2 * (k * n + i) + 1] = need[i] ? Number.NaN : v[i];
    }
  }
  return out;
}

/** Largest absolute difference; fails on NaN mismatches. */
export function maxDiff(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Number.POSITIVE_INFINITY;
    if (!Number.isNaN(a[i])) m = Math.max(m, Math.abs(a[i] - b[i]));
  }
  return m;
}

export function finiteCount(a: Float64Array): number {
  let c = 0;
  for (const x of a) if (Number.isFinite(x)) c++;
  return c;
}
