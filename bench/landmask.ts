// Land mask benchmark: time to prepare a mission area, look-ups per second, agreement with the reference
// points. Called by bench/run.ts; runnable alone with `npx tsx bench/landmask.ts`.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openGshhg } from "../src/coastline/gshhg.js";
import { prepareLandMask } from "../src/coastline/landmask.js";

const REFERENCE_DIR = fileURLToPath(new URL("../../shared/data/landmask/", import.meta.url));

/** Deterministic uniform numbers (mulberry32) so runs compare. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function benchLandmask(): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  let t = performance.now();
  await openGshhg();
  figures.gshhgOpenMs = performance.now() - t;

  // A 2° × 1° mission area around Bergen: fjords, thousands of islands.
  const bergen = { west: 4.3, east: 6.3, south: 59.9, north: 60.9 };
  t = performance.now();
  const mask = await prepareLandMask(bergen);
  figures.prepareBergen2x1Ms = performance.now() - t;
  figures.prepareBergenTiles = mask.stats.tiles;
  figures.prepareBergenMiB = mask.stats.bytes / 2 ** 20;

  // A larger mission area (8° × 4°, west coast of Norway): what a 48 h search can reach.
  const westCoast = { west: 4, east: 12, south: 60, north: 64 };
  t = performance.now();
  const big = await prepareLandMask(westCoast);
  figures.prepareNorway8x4Ms = performance.now() - t;
  figures.prepareNorway8x4Tiles = big.stats.tiles;
  figures.prepareNorway8x4MiB = big.stats.bytes / 2 ** 20;

  // One million random points over the coastal area, as the step loop asks them.
  const n = 1_000_000;
  const lon = new Float64Array(n);
  const lat = new Float64Array(n);
  const rnd = random(1);
  for (let i = 0; i < n; i++) {
    lon[i] = bergen.west + rnd() * (bergen.east - bergen.west);
    lat[i] = bergen.south + rnd() * (bergen.north - bergen.south);
  }
  let land = 0;
  for (let i = 0; i < 100_000; i++) if (mask.isLand(lon[i], lat[i])) land++; // warm-up
  t = performance.now();
  land = 0;
  for (let i = 0; i < n; i++) if (mask.isLand(lon[i], lat[i])) land++;
  const s = (performance.now() - t) / 1000;
  figures.lookupsPerSecond = n / s;
  figures.landFraction = land / n;

  // Agreement with the reference points (lon, lat, is_land) of every region file.
  for (const file of readdirSync(REFERENCE_DIR).filter((f) => f.endsWith(".csv"))) {
    const rows = readFileSync(REFERENCE_DIR + file, "utf8")
      .trim()
      .split("\n")
      .slice(1);
    let agree = 0;
    for (const row of rows) {
      const [x, y, ref] = row.split(",").map(Number);
      if (+mask.isLand(x, y) === ref) agree++;
    }
    figures[`agreementPercent_${file.replace(/\.csv$/, "")}`] = (100 * agree) / rows.length;
  }

  for (const [k, v] of Object.entries(figures)) {
    console.log(`landmask ${k.padEnd(34)} ${Number.isInteger(v) ? v : v.toPrecision(4)}`);
  }
  return figures;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await benchLandmask();
}
