// Where the members of a forcing ensemble agree (issue 21): for each cell of the density grid, the share of
// the members (by their weights) whose own 90 % search area covers it, at the last output time with particles
// afloat. A member's 90 % area is computed as the mission's (kde.ts: the smoothed density of its particles
// alone, on the mission's grid, and its highest-density region holding 90 %); a cell counts as covered when
// the kernel cell at its centre is inside. agreement.geojson outlines the cells where at least 25, 50, 75 and
// 100 % agree; density.nc carries the shares as `agreement`.
import { writeFile } from "node:fs/promises";
import { selectParticles } from "../core/trajectory-merge.js";
import { Status } from "../core/types.js";
import type { NcVariableDef } from "../io/netcdf/types.js";
import type { EnsembleMemberInfo, ProductContext } from "./context.js";
import type { Feature } from "./geojson-types.js";
import { hdrLevels } from "./hdr.js";
import { CellLand, smoothLayer } from "./kde.js";
import { cellsToGeometry, projectionOf } from "./polygons.js";
import { isoUtc } from "./time-format.js";
import type { DensityGrids } from "./types.js";

/** The share of the search area each member's own area is taken at. */
export const AGREEMENT_PERCENT = 90;
/** The outlines agreement.geojson draws: cells where at least this share of the members agree. */
export const AGREEMENT_LEVELS = [0.25, 0.5, 0.75, 1] as const;

export interface AgreementLayer {
  timeIndex: number;
  time: number;
  /** Per density-grid cell (ny × nx): the weight share of the members whose 90 % area covers it, 0..1. */
  share: Float32Array;
  /** The members, and the area (km²) of each one's 90 % area in grid cells. */
  members: (EnsembleMemberInfo & { areaKm2: number })[];
}

const computed = new WeakMap<DensityGrids, AgreementLayer | null>();

/** The agreement layer of a run with a forcing ensemble (null without one), computed once per grid. */
export function agreementOf(ctx: ProductContext, grids: DensityGrids): AgreementLayer | null {
  if (!computed.has(grids)) computed.set(grids, computeAgreement(ctx, grids));
  return computed.get(grids) ?? null;
}

function computeAgreement(ctx: ProductContext, grids: DensityGrids): AgreementLayer | null {
  const members = ctx.members ?? [];
  const t = ctx.trajectory;
  if (members.length < 2 || grids.afloatWeight.length === 0) return null;
  let k = t.times.length - 1;
  while (k > 0 && !(grids.afloatWeight[k] > 0)) k--;
  const { nx, ny, cellM } = grids;
  const cells = nx * ny;
  const proj = projectionOf(grids);
  const land = new CellLand(grids, ctx.landmask);
  const share = new Float32Array(cells);
  const totalWeight = members.reduce((a, m) => a + m.weight, 0);
  const out: AgreementLayer["members"] = [];
  const x0 = grids.x[0] - cellM / 2;
  const y0 = grids.y[0] - cellM / 2;
  const p = { x: 0, y: 0 };
  for (const member of members) {
    const indices: number[] = [];
    for (let i = 0; i < t.n; i++) if (t.member[i] === member.index) indices.push(i);
    const own = selectParticles(t, Uint32Array.from(indices));
    // The member's afloat weight per cell at time k (the kernel's bandwidth reads its marginals).
    const weight = new Float64Array(grids.weight.length);
    const afloatWeight = new Float64Array(grids.afloatWeight.length);
    const o = k * own.n;
    for (let i = 0; i < own.n; i++) {
      if (own.status[o + i] !== Status.active) continue;
      const lon = own.lon[o + i];
      const lat = own.lat[o + i];
      if (Number.isNaN(lon) || Number.isNaN(lat)) continue;
      proj.forward(lon, lat, p);
      const cx = Math.min(nx - 1, Math.max(0, Math.floor((p.x - x0) / cellM)));
      const cy = Math.min(ny - 1, Math.max(0, Math.floor((p.y - y0) / cellM)));
      weight[k * cells + cy * nx + cx] += own.weight[i];
      afloatWeight[k] += own.weight[i];
    }
    const layer =
      afloatWeight[k] > 0
        ? smoothLayer({ ...ctx, trajectory: own }, { ...grids, weight, afloatWeight }, k, land)
        : null;
    let covered = 0;
    if (layer) {
      const [level] = hdrLevels(layer.density, [AGREEMENT_PERCENT / 100], {
        nx: layer.frame.nx,
        box: layer.box,
      });
      const { sub, pad, nx: fnx } = layer.frame;
      const w = member.weight / totalWeight;
      for (let j = 0; j < ny; j++) {
        const fj = (j + pad) * sub + (sub >> 1);
        for (let i = 0; i < nx; i++) {
          const fi = (i + pad) * sub + (sub >> 1);
          if (layer.density[fj * fnx + fi] > level) {
            share[j * nx + i] += w;
            covered++;
          }
        }
      }
    }
    out.push({ ...member, areaKm2: (covered * cellM * cellM) / 1e6 });
  }
  // Rounding of the weights must not keep "every member" below 1.
  for (let c = 0; c < cells; c++) if (share[c] > 1 - 1e-6) share[c] = 1;
  return { timeIndex: k, time: t.times[k], share, members: out };
}

/**
 * agreement.geojson: one feature per level of AGREEMENT_LEVELS, the cells where at least that share of the
 * members' weight has the cell in its own 90 % area, and the members with their weights and areas. Without an
 * ensemble: no features, and a note saying why.
 */
export async function writeAgreementGeoJson(
  ctx: ProductContext,
  grids: DensityGrids,
  file: string,
): Promise<void> {
  const layer = agreementOf(ctx, grids);
  const features: Feature[] = [];
  if (layer) {
    for (const level of AGREEMENT_LEVELS) {
      const flags = new Uint8Array(layer.share.length);
      for (let c = 0; c < flags.length; c++) flags[c] = layer.share[c] >= level - 1e-6 ? 1 : 0;
      let cellsIn = 0;
      for (const f of flags) cellsIn += f;
      // A level no cell reaches (the members never overlap so much) has no outline.
      const geometry = cellsIn > 0 ? cellsToGeometry(flags, grids) : null;
      if (!geometry) continue;
      features.push({
        type: "Feature",
        geometry,
        properties: {
          min_share: level,
          label:
            level === 1
              ? `all members' ${AGREEMENT_PERCENT} % areas`
              : `${level * 100} % of the members' weight or more`,
          area_km2: Math.round(((cellsIn * grids.cellM * grids.cellM) / 1e6) * 1000) / 1000,
          time: isoUtc(layer.time),
          time_index: layer.timeIndex,
        },
      });
    }
  }
  const collection = {
    type: "FeatureCollection",
    properties: {
      mission: ctx.simulation.name,
      description: `Where the forcing ensemble's members agree: the share of the members (by weight) whose own ${AGREEMENT_PERCENT} % search area covers each ${grids.cellM} m cell`,
      ...(layer
        ? {
            time: isoUtc(layer.time),
            members: layer.members.map((m) => ({
              index: m.index,
              name: m.name,
              weight: m.weight,
              particles: m.particles,
              area_90_km2: Math.round(m.areaKm2 * 1000) / 1000,
            })),
          }
        : { note: "the run had no forcing ensemble (one member): nothing to compare" }),
    },
    features,
  };
  await writeFile(file, `${JSON.stringify(collection)}\n`);
}

/** density.nc's `agreement` variable (y, x) when the run had a forcing ensemble; none otherwise. */
export function agreementVariables(ctx: ProductContext, grids: DensityGrids): NcVariableDef[] {
  const layer = agreementOf(ctx, grids);
  if (!layer) return [];
  return [
    {
      name: "agreement",
      type: "float",
      dims: ["y", "x"],
      attributes: {
        long_name: `share of the forcing ensemble's members (by weight) whose own ${AGREEMENT_PERCENT} % search area covers the cell`,
        units: "1",
        coordinates: "lat lon",
        grid_mapping: "crs",
        time: isoUtc(layer.time),
        time_index: layer.timeIndex,
        members: layer.members.map((m) => `${m.index}: ${m.name} (weight ${m.weight})`).join("; "),
      },
      data: layer.share,
    },
  ];
}
