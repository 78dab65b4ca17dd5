// A stand-in for runSimulationSpec while developing the API and page: a deterministic drift east-north-east
// with spread, written as a real particles.nc (NetCDF classic) plus the other product files.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { NC_FILL, ncValues, writeNetcdf3 } from "../../src/io/netcdf/write-classic.js";
import type { RunOptions, RunResult } from "../../src/pipeline/run.js";

export async function fakeRunner(spec: unknown, opts: RunOptions): Promise<RunResult> {
  const s = spec as {
    start_time: string;
    duration_hours: number;
    seed: { lon: number | number[]; lat: number | number[]; number: number };
    object_type: number;
  };
  const lon0 = Array.isArray(s.seed.lon) ? s.seed.lon[0] : s.seed.lon;
  const lat0 = Array.isArray(s.seed.lat) ? s.seed.lat[0] : s.seed.lat;
  const n = s.seed.number;
  const start = Date.parse(s.start_time) / 1000;
  const steps = Math.abs(s.duration_hours) + 1;
  const sign = s.duration_hours < 0 ? -1 : 1;
  await mkdir(opts.outDir, { recursive: true });
  const lon = new Float32Array(n * steps);
  const lat = new Float32Array(n * steps);
  const status = new Int8Array(n * steps);
  let seed = 1;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };
  for (let p = 0; p < n; p++) {
    const a = rand();
    const b = rand();
    for (let t = 0; t < steps; t++) {
      const i = p * steps + t;
      lon[i] = lon0 + sign * t * (0.01 + a * 0.004);
      lat[i] = lat0 + sign * t * (0.004 + b * 0.003);
      status[i] = p % 10 === 0 && t > steps / 2 ? 1 : 0;
    }
    opts.onProgress?.({ fraction: p / n, stage: "simulate", message: "fake" });
  }
  const files: RunResult["files"] = {};
  const nc = path.join(opts.outDir, "particles.nc");
  await writeNetcdf3(nc, {
    dimensions: { trajectory: n, time: steps },
    attributes: { Conventions: "CF-1.11", featureType: "trajectory" },
    variables: [
      {
        name: "time",
        type: "double",
        dims: ["time"],
        attributes: { units: "seconds since 1970-01-01 00:00:00" },
        data: Float64Array.from({ length: steps }, (_, t) => start + sign * t * 3600),
      },
      {
        name: "lon",
        type: "float",
        dims: ["trajectory", "time"],
        attributes: { _FillValue: ncValues("float", NC_FILL.float) },
        data: lon,
      },
      {
        name: "lat",
        type: "float",
        dims: ["trajectory", "time"],
        attributes: { _FillValue: ncValues("float", NC_FILL.float) },
        data: lat,
      },
      { name: "status", type: "byte", dims: ["trajectory", "time"], data: status },
    ],
  });
  files.netcdf = nc;
  const square = (cx: number, cy: number, r: number) => ({
    type: "Polygon" as const,
    coordinates: [
      [
        [cx - r, cy - r],
        [cx + r, cy - r],
        [cx + r, cy + r],
        [cx - r, cy + r],
        [cx - r, cy - r],
      ] as [number, number][],
    ],
  });
  const searchAreas = Array.from({ length: steps }, (_, t) => {
    const cx = lon0 + sign * t * 0.01;
    const cy = lat0 + sign * t * 0.004;
    const r = 0.002 + t * 0.0015;
    return {
      timeIndex: t,
      time: start + sign * t * 3600,
      hoursElapsed: t,
      centroidLon: cx,
      centroidLat: cy,
      mostLikelyLon: cx,
      mostLikelyLat: cy,
      mostLikely: null,
      counts: { active: n },
      areas: {
        "50": {
          percent: 50,
          geometry: square(cx, cy, r * 0.5),
          areaKm2: 1,
          areaNm2: 0.3,
          containedFraction: 0.5,
          droppedFraction: 0,
          droppedPieces: 0,
          pieces: [],
        },
        "90": {
          percent: 90,
          geometry: square(cx, cy, r),
          areaKm2: 4,
          areaNm2: 1.2,
          containedFraction: 0.9,
          droppedFraction: 0,
          droppedPieces: 0,
          pieces: [],
        },
        "95": {
          percent: 95,
          geometry: square(cx, cy, r * 1.2),
          areaKm2: 6,
          areaNm2: 1.7,
          containedFraction: 0.95,
          droppedFraction: 0,
          droppedPieces: 0,
          pieces: [],
        },
      },
    };
  });
  const geo = {
    type: "FeatureCollection",
    features: searchAreas.flatMap((a) =>
      (["50", "90", "95"] as const).map((k) => ({
        type: "Feature",
        geometry: a.areas[k].geometry,
        properties: {
          time_index: a.timeIndex,
          percent: Number(k),
          area_km2: a.areas[k].areaKm2,
          area_nm2: a.areas[k].areaNm2,
        },
      })),
    ),
  };
  const write = async (name: keyof RunResult["files"], file: string, body: string | Uint8Array) => {
    const p = path.join(opts.outDir, file);
    await writeFile(p, body);
    files[name] = p;
  };
  await write("search_areas", "search_areas.geojson", JSON.stringify(geo));
  await write(
    "trajectories",
    "trajectories.geojson",
    JSON.stringify({ type: "FeatureCollection", features: [] }),
  );
  await write("kml", "mission.kml", '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"/>');
  await write("png", "heatmap.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  await write("gif", "animation.gif", "GIF89a");
  await write("pdf", "report.pdf", "%PDF-1.4\n%%EOF\n");
  await write("density", "density.nc", "CDF\x01");
  await write("csv", "particles.csv", "time,lon,lat\n0,4.6,59.3\n3600,4.61,59.31\n");
  const snapshots = searchAreas.map((a) => ({
    time: a.time,
    counts: { active: n },
    centroidLon: a.centroidLon,
    centroidLat: a.centroidLat,
    stdEastKm: 1,
    stdNorthKm: 1,
  }));
  return {
    files,
    summary: {
      name: "fake",
      objectType: { id: s.object_type, key: "X", description: "fake" },
      particleCount: n,
      activeCount: n,
      strandedCount: Math.floor(n / 10),
      missingDataCount: 0,
      computationSeconds: 0.1,
      simulationSeconds: 0.05,
      particleSteps: n * steps,
      snapshots,
      searchAreas,
      forcing: [{ variable: "wind", name: "fake" }],
    },
  };
}
