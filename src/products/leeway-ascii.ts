// The original Leeway ASCII output format, as OpenDrift's Leeway.export_ascii writes it (see
// ../shared/reference/opendrift/*ascii.txt): a header with the seeding and run settings, then one block per
// output time with the mean position and one line per released particle: id, lon, lat, state (11 afloat,
// 41 stranded; other deactivations keep their status code, as OpenDrift does), age in minutes, orientation.
import { open } from "node:fs/promises";
import { Status } from "../core/types.js";
import type { ProductContext } from "./context.js";
import { TextFileWriter } from "./text-writer.js";

/** Python's str() of a float: "3.0" for integral values, the shortest round-trip text otherwise. */
function pyFloat(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e16) return v.toFixed(1);
  const s = String(v);
  // JavaScript writes 1e-7 where Python writes 1e-07.
  return s.replace(/e([+-])(\d)$/, "e$10$2");
}

const pad2 = (v: number) => String(v).padStart(2, "0");

/** "2016-02-01" and "12:00:00" (UTC). */
function dateTime(unix: number): [string, string] {
  const d = new Date(Math.round(unix) * 1000);
  return [
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`,
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`,
  ];
}

/** Python's "%i" of a float: truncation toward zero. */
const pyInt = (v: number) => String(Math.trunc(v));

/** The header lines (up to and including "seedRate" and its value), without the trailing newline. */
export function leewayAsciiHeader(ctx: ProductContext): string[] {
  const sim = ctx.simulation;
  const t = ctx.trajectory;
  const r = sim.release;
  const outMin = sim.outputStepSeconds / 60;
  const seedDuration = (r.time[1] - r.time[0]) / 60;
  const seedSteps = Math.max(1, seedDuration / outMin);
  const last = (t.times.length - 1) * t.n;
  let seeded = 0;
  for (let i = 0; i < t.n; i++) if (t.status[last + i] !== Status.unreleased) seeded++;
  const [simDate, simTime] = dateTime(sim.startTime);
  const [startDate, startTime] = dateTime(r.time[0]);
  const [endDate, endTime] = dateTime(r.time[1]);
  return [
    "# Drift simulation initiated [UTC]:",
    "simDate simTime",
    `${simDate}\t${simTime}\t#`,
    "# Model version:",
    "modelVersion",
    " 3.00",
    "# Object class id & name:",
    "objectClassId  objectClassName",
    ` ${ctx.category.id}\t${ctx.category.key}`,
    "# Seeding start time, position & radius:",
    "startDate\tstartTime\tstartLon\tstartLat\tstartRad",
    `${startDate} ${startTime}\t${pyFloat(r.lon[0])}\t${pyFloat(r.lat[0])}\t${pyFloat(r.radiusM[0] / 1000)}`,
    "# Seeding end time, position & radius:",
    "endDate\tendTime\tendLon\tendLat\tendRad",
    `${endDate} ${endTime}\t${pyFloat(r.lon[1])}\t${pyFloat(r.lat[1])}\t${pyFloat(r.radiusM[1] / 1000)}`,
    "# Duration of seeding [min] & [timesteps]:",
    "seedDuration   seedSteps",
    `    ${pyInt(seedDuration)}      ${pyInt(seedSteps)}`,
    "# Length of timestep [min]:",
    "timeStep",
    pyInt(outMin),
    "# Length of model simulation [min] & [timesteps]:",
    "simLength  simSteps",
    `${pyInt(sim.durationSeconds / 60)}\t${t.times.length}`,
    "# Total no of seeded particles:",
    "seedTotal",
    ` ${seeded}`,
    "# Particles seeded per timestep:",
    "seedRate",
    ` ${pyInt(seeded / seedSteps)}`,
  ];
}

/** Writes the Leeway ASCII file (streamed: one block per output time). */
export async function writeLeewayAscii(ctx: ProductContext, path: string): Promise<void> {
  const t = ctx.trajectory;
  const n = t.n;
  const nt = t.times.length;
  // Output index at which each particle first appears (its age counts from there, as in OpenDrift).
  const first = new Int32Array(n).fill(-1);
  const fh = await open(path, "w");
  try {
    const out = new TextFileWriter(fh);
    await out.text(`${leewayAsciiHeader(ctx).join("\n")}\n`);
    const TAB = 0x09;
    const NL = 0x0a;
    let before = 0;
    for (let k = 0; k < nt; k++) {
      const o = k * n;
      let released = 0;
      let afloat = 0;
      let sumLon = 0;
      let sumLat = 0;
      for (let i = 0; i < n; i++) {
        const s = t.status[o + i];
        if (s === Status.unreleased) continue;
        released++;
        if (first[i] < 0) first[i] = k;
        if (s === Status.active) {
          afloat++;
          sumLon += t.lon[o + i];
          sumLat += t.lat[o + i];
        }
      }
      const [date, time] = dateTime(t.times[k]);
      const mean =
        afloat > 0 ? `${(sumLon / afloat).toFixed(5)}\t${(sumLat / afloat).toFixed(5)}` : "nan\tnan";
      await out.text(
        `\n# Date [UTC]:\nnowDate   nowTime\n${date}\t${time}\n` +
          "# Time passed [min] & [timesteps], now seeded, seeded so far:\ntimePassed  nStep   nowSeeded   nSeeded\n" +
          `  ${pyInt((t.times[k] - t.times[0]) / 60)}\t${k + 1}\t${released - before}\t${released}\n` +
          `# Mean position:\nmeanLon meanLat\n${mean}\n` +
          "# Particle data:\nid  lon lat state   age orientation\n",
      );
      before = released;
      for (let i = 0; i < n; i++) {
        const s = t.status[o + i];
        if (s === Status.unreleased) continue;
        const state = s === Status.active ? 11 : s === Status.stranded ? 41 : s;
        const age = Math.trunc(Math.abs(t.times[k] - t.times[first[i]]) / 60);
        // `${i + 1}\t${fixed5(lon)}\t${fixed5(lat)}\t${state}\t${age}\t${orientation}\n`
        out.number(i + 1);
        out.byte(TAB);
        out.fixed5(t.lon[o + i]);
        out.byte(TAB);
        out.fixed5(t.lat[o + i]);
        out.byte(TAB);
        out.number(state);
        out.byte(TAB);
        out.number(age);
        out.byte(TAB);
        out.number(t.orientation[o + i]);
        out.byte(NL);
        if (out.full) await out.flush();
      }
    }
    await out.flush();
  } finally {
    await fh.close();
  }
}
