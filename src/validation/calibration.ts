// Calibration over many cases (`driftline validate` on a directory of tracks): does the p % area hold the object
// p % of the time? From every compared observation's rank in the forecast density (ranks.ts) the hit rate of
// every p = 5 … 100 % (a reliability diagram: on the diagonal when calibrated, below it when the areas are too
// small), and the hit rates of the delivered 50/90/95 % polygons, per forcing (the spec's) and region (the
// 5° × 5° box of each drifter's first fix), and per forcing over all regions.
import { createCanvas } from "@napi-rs/canvas";
import { COLORS } from "../products/map-colours.js";
import { font, registerFonts } from "../products/map-fonts.js";
import { AREA_PERCENTS, type DrifterValidation, type HitRate } from "./metrics.js";

export const RELIABILITY_PS = Array.from({ length: 20 }, (_, i) => (i + 1) * 5);

export interface CalibrationCase {
  forcing: string;
  /** Source file of the track. */
  file: string;
  drifter: DrifterValidation;
}

export interface CalibrationGroup {
  forcing: string;
  /** "all" or a 5° box like "10–15°E 65–70°N". */
  region: string;
  drifters: number;
  /** Compared observations (output times after each forecast's start). */
  observations: number;
  /** Share of the observations inside the p % highest-density area, for each p of RELIABILITY_PS. */
  reliability: { p: number; hitRate: number | null }[];
  /** The delivered polygons' hit rates, pooled. */
  areaHitRates: Record<(typeof AREA_PERCENTS)[number], HitRate>;
  meanRank: number | null;
  meanSsCentroid: number | null;
  meanUnclippedCentroid: number | null;
}

/** The 5° × 5° box of a position, as a label. */
export function regionOf(lon: number, lat: number): string {
  const deg = (v: number, pos: string, neg: string) => `${Math.abs(v)}°${v < 0 ? neg : pos}`;
  const w = Math.floor(lon / 5) * 5;
  const s = Math.floor(lat / 5) * 5;
  return `${deg(w, "E", "W")}–${deg(w + 5, "E", "W")} ${deg(s, "N", "S")}–${deg(s + 5, "N", "S")}`;
}

const mean = (v: (number | null)[]): number | null => {
  const x = v.filter((a): a is number => a !== null);
  return x.length ? x.reduce((a, b) => a + b, 0) / x.length : null;
};

function group(forcing: string, region: string, cases: readonly CalibrationCase[]): CalibrationGroup {
  const ranks: number[] = [];
  for (const c of cases) for (const p of c.drifter.points.slice(1)) if (p.rank !== null) ranks.push(p.rank);
  const areaHitRates = {} as CalibrationGroup["areaHitRates"];
  for (const p of AREA_PERCENTS) {
    const hits = cases.reduce((a, c) => a + c.drifter.hitRates[p].hits, 0);
    const n = cases.reduce((a, c) => a + c.drifter.hitRates[p].n, 0);
    areaHitRates[p] = { hits, n, rate: n ? hits / n : null };
  }
  return {
    forcing,
    region,
    drifters: cases.length,
    observations: ranks.length,
    reliability: RELIABILITY_PS.map((p) => ({
      p,
      hitRate: ranks.length ? ranks.filter((r) => r < p / 100).length / ranks.length : null,
    })),
    areaHitRates,
    meanRank: mean(ranks),
    meanSsCentroid: mean(cases.map((c) => c.drifter.skillCentroid.ss)),
    meanUnclippedCentroid: mean(cases.map((c) => c.drifter.skillCentroid.unclipped)),
  };
}

/** Groups per forcing over all regions, then per forcing and region (regions with cases only). */
export function calibrate(cases: readonly CalibrationCase[]): CalibrationGroup[] {
  const out: CalibrationGroup[] = [];
  const forcings = [...new Set(cases.map((c) => c.forcing))];
  for (const forcing of forcings) {
    const mine = cases.filter((c) => c.forcing === forcing);
    out.push(group(forcing, "all", mine));
    const byRegion = new Map<string, CalibrationCase[]>();
    for (const c of mine) {
      const p = c.drifter.points[0];
      const key = regionOf(p.observedLon, p.observedLat);
      byRegion.set(key, [...(byRegion.get(key) ?? []), c]);
    }
    if (byRegion.size > 1) for (const [region, list] of byRegion) out.push(group(forcing, region, list));
  }
  return out;
}

export function calibrationCsv(groups: readonly CalibrationGroup[]): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const n = (v: number | null) => (v === null ? "" : String(Number(v.toFixed(4))));
  const header = [
    "forcing",
    "region",
    "drifters",
    "observations",
    ...RELIABILITY_PS.map((p) => `hit_rate_p${p}`),
    ...AREA_PERCENTS.map((p) => `polygon_hit_rate_${p}`),
    "mean_rank",
    "mean_ss",
    "mean_unclipped",
  ];
  const rows = groups.map((g) => [
    q(g.forcing),
    q(g.region),
    String(g.drifters),
    String(g.observations),
    ...g.reliability.map((r) => n(r.hitRate)),
    ...AREA_PERCENTS.map((p) => n(g.areaHitRates[p].rate)),
    n(g.meanRank),
    n(g.meanSsCentroid),
    n(g.meanUnclippedCentroid),
  ]);
  return `${[header, ...rows].map((r) => r.join(",")).join("\n")}\n`;
}

const LINE_COLOURS = ["#1537d0", "#d2141e", "#0b8a48", "#8a2be2", "#e07b00", "#00838f"];

/** The reliability diagram: hit rate against p per forcing (all regions), with the diagonal. */
export async function renderReliabilityPng(groups: readonly CalibrationGroup[]): Promise<Uint8Array> {
  registerFonts();
  const W = 1100;
  const H = 760;
  const plot = { x: 90, y: 70, w: 560, h: 560 };
  const canvas = createCanvas(W, H);
  const g = canvas.getContext("2d");
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, W, H);
  const px = (p: number) => plot.x + (p / 100) * plot.w;
  const py = (r: number) => plot.y + plot.h - r * plot.h;
  g.strokeStyle = COLORS.graticule;
  g.lineWidth = 1;
  g.font = font(13);
  g.fillStyle = COLORS.text;
  for (let v = 0; v <= 100; v += 10) {
    g.beginPath();
    g.moveTo(px(v), plot.y);
    g.lineTo(px(v), plot.y + plot.h);
    g.moveTo(plot.x, py(v / 100));
    g.lineTo(plot.x + plot.w, py(v / 100));
    g.stroke();
    g.fillText(`${v}`, px(v) - 8, plot.y + plot.h + 20);
    g.fillText(`${v}`, plot.x - 32, py(v / 100) + 5);
  }
  g.strokeStyle = COLORS.frame;
  g.strokeRect(plot.x, plot.y, plot.w, plot.h);
  g.setLineDash([6, 4]);
  g.beginPath();
  g.moveTo(px(0), py(0));
  g.lineTo(px(100), py(1));
  g.stroke();
  g.setLineDash([]);
  g.font = font(20, true);
  g.fillText("Reliability of the search areas", plot.x, 36);
  g.font = font(14);
  g.fillText("p % highest-density area", plot.x + plot.w / 2 - 80, plot.y + plot.h + 46);
  g.save();
  g.translate(30, plot.y + plot.h / 2 + 110);
  g.rotate(-Math.PI / 2);
  g.fillText("observations inside, %", 0, 0);
  g.restore();
  const all = groups.filter((x) => x.region === "all");
  all.forEach((grp, m) => {
    const colour = LINE_COLOURS[m % LINE_COLOURS.length];
    g.strokeStyle = colour;
    g.fillStyle = colour;
    g.lineWidth = 2.5;
    g.beginPath();
    g.moveTo(px(0), py(0));
    for (const r of grp.reliability) if (r.hitRate !== null) g.lineTo(px(r.p), py(r.hitRate));
    g.stroke();
    for (const p of AREA_PERCENTS) {
      const rate = grp.areaHitRates[p].rate;
      if (rate === null) continue;
      g.beginPath();
      g.arc(px(Number(p)), py(rate), 5, 0, 2 * Math.PI);
      g.fill();
    }
    const y = plot.y + 10 + m * 62;
    g.fillRect(plot.x + plot.w + 20, y, 24, 4);
    g.fillStyle = COLORS.text;
    g.font = font(13);
    const words = grp.forcing.split(/(?<=;) /);
    words.forEach((w, i) => {
      g.fillText(w.length > 44 ? `${w.slice(0, 43)}…` : w, plot.x + plot.w + 52, y + 6 + 16 * i);
    });
    g.fillStyle = COLORS.muted;
    g.fillText(
      `${grp.drifters} drifters, ${grp.observations} obs.`,
      plot.x + plot.w + 52,
      y + 6 + 16 * words.length,
    );
  });
  g.fillStyle = COLORS.muted;
  g.font = font(12);
  g.fillText(
    "Line: the smoothed density's p % area; dots: the delivered 50/90/95 % polygons; dashed: calibrated.",
    plot.x - 60,
    H - 20,
  );
  return canvas.encode("png");
}
