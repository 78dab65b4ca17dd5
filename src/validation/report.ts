// What `driftline validate` writes: validation.json (every figure, per drifter and in total), validation.csv (one
// row per drifter and a total row), validation-N.png (one picture per drifter, picture.ts) and validation.pdf (a
// page of totals, then each drifter's picture and figures). The JSON is the source; the others show its numbers.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { pdfInMemory } from "../products/pdf-document.js";
import { isoUtc } from "../products/time-format.js";
import { AREA_PERCENTS, type DrifterValidation, LEAD_HOURS, type ValidationTotal } from "./metrics.js";
import { MONO_TTF } from "./picture.js";
import type { ValidationRun } from "./validate.js";

export const VALIDATION_FILES = {
  json: "validation.json",
  csv: "validation.csv",
  pdf: "validation.pdf",
} as const;
export const pictureFile = (n: number) => `validation-${n + 1}.png`;

const round = (v: number | null, digits = 4) => (v === null ? null : Number(v.toFixed(digits)));

/** validation.json's content: the run's figures with times as ISO strings and numbers rounded. */
export function validationJson(run: ValidationRun): Record<string, unknown> {
  return {
    mode: run.mode,
    forecast: run.forecast,
    total: run.total,
    drifters: run.drifters.map((d) => ({
      ...d,
      firstTime: isoUtc(d.firstTime),
      lastTime: isoUtc(d.lastTime),
      picture: pictureFile(run.drifters.indexOf(d)),
      points: d.points.map((p) => ({
        ...p,
        time: isoUtc(p.time),
        observedLon: round(p.observedLon, 6),
        observedLat: round(p.observedLat, 6),
        centroidKm: round(p.centroidKm),
        mostLikelyKm: round(p.mostLikelyKm),
        rank: round(p.rank),
      })),
    })),
    skipped: run.skipped,
  };
}

const LEAD_LABELS = [...LEAD_HOURS.map((h) => `${h} h`), "end"];
const CSV_HEADER = [
  "drifter",
  "first_time",
  "last_time",
  "observed_km",
  ...LEAD_LABELS.flatMap((l) => {
    const key = l === "end" ? "end" : `${Number.parseInt(l, 10)}h`;
    return [`centroid_km_${key}`, `most_likely_km_${key}`];
  }),
  "lw_s",
  "lw_ss",
  "lw_unclipped",
  "lw_s_most_likely",
  "lw_ss_most_likely",
  ...AREA_PERCENTS.flatMap((p) => [`hits_${p}`, `n_${p}`, `hit_rate_${p}`]),
  "mean_rank",
];

const cell = (v: number | string | null | undefined, digits = 4) =>
  v === null || v === undefined
    ? ""
    : typeof v === "number"
      ? String(Number(v.toFixed(digits)))
      : /[",\n]/.test(v)
        ? `"${v.replace(/"/g, '""')}"`
        : v;

function drifterRow(d: DrifterValidation): string[] {
  return [
    cell(d.id),
    isoUtc(d.firstTime),
    isoUtc(d.lastTime),
    cell(d.observedKm),
    ...LEAD_LABELS.flatMap((l) => {
      const lead = d.leads.find((x) => x.label === l);
      return [cell(lead?.centroidKm), cell(lead?.mostLikelyKm)];
    }),
    cell(d.skillCentroid.s),
    cell(d.skillCentroid.ss),
    cell(d.skillCentroid.unclipped),
    cell(d.skillMostLikely.s),
    cell(d.skillMostLikely.ss),
    ...AREA_PERCENTS.flatMap((p) => [
      cell(d.hitRates[p].hits),
      cell(d.hitRates[p].n),
      cell(d.hitRates[p].rate),
    ]),
    cell(d.meanRank),
  ];
}

/** The total row: lead columns are means over drifters, skill the pooled s with mean SS, hit rates pooled. */
function totalRow(t: ValidationTotal): string[] {
  return [
    "total",
    "",
    "",
    "",
    ...LEAD_LABELS.flatMap((l) => {
      const lead = t.leads.find((x) => x.label === l);
      return [cell(lead?.centroidKm), cell(lead?.mostLikelyKm)];
    }),
    cell(t.pooledCentroid.s),
    cell(t.meanSsCentroid),
    cell(t.meanUnclippedCentroid),
    "",
    cell(t.meanSsMostLikely),
    ...AREA_PERCENTS.flatMap((p) => [
      cell(t.hitRates[p].hits),
      cell(t.hitRates[p].n),
      cell(t.hitRates[p].rate),
    ]),
    "",
  ];
}

export function validationCsv(run: ValidationRun): string {
  const rows = [CSV_HEADER, ...run.drifters.map(drifterRow), totalRow(run.total)];
  return `${rows.map((r) => r.join(",")).join("\n")}\n`;
}

const fmt = (v: number | null, unit = "", digits = 2) => (v === null ? "–" : `${v.toFixed(digits)}${unit}`);

/** The total's lines (the PDF's first page and the CLI's output). */
export function totalLines(run: ValidationRun): string[] {
  const t = run.total;
  return [
    `${run.drifters.length} drifter(s) compared${run.skipped.length ? `, ${run.skipped.length} skipped` : ""}`,
    ...t.leads.map(
      (l) =>
        `separation ${l.label.padEnd(5)} centroid ${fmt(l.centroidKm, " km").padStart(9)}, most likely ${fmt(l.mostLikelyKm, " km").padStart(9)} (n ${l.n})`,
    ),
    `Liu–Weisberg: pooled s ${fmt(t.pooledCentroid.s)}, SS ${fmt(t.pooledCentroid.ss)}; mean SS ${fmt(t.meanSsCentroid)}, mean 1 − s ${fmt(t.meanUnclippedCentroid)}`,
    `hit rates: ${AREA_PERCENTS.map((p) => `${p} % area ${t.hitRates[p].rate === null ? "–" : `${(t.hitRates[p].rate! * 100).toFixed(0)} %`} (${t.hitRates[p].hits}/${t.hitRates[p].n})`).join(", ")}`,
    ...run.skipped.map((s) => `skipped ${s.id}: ${s.reason}`),
  ];
}

export async function renderValidationPdf(
  run: ValidationRun,
  pictures: readonly Uint8Array[],
): Promise<Uint8Array> {
  const { doc, finish } = pdfInMemory({
    size: "A4",
    layout: "landscape",
    margins: { top: 40, bottom: 40, left: 40, right: 40 },
    info: { Title: `Validation — ${run.forecast.name}`, Author: "Driftline" },
  });
  doc.registerFont("Mono", MONO_TTF);
  doc.font("Sans-Bold").fontSize(18).text(`Validation against observed drift: ${run.forecast.name}`);
  doc.moveDown(0.3);
  doc
    .font("Sans")
    .fontSize(10)
    .text(
      `${run.mode === "hindcast" ? "Hindcast from each drifter's first position and time" : "One finished run"} · object ${run.forecast.objectType} · ${run.forecast.forcing}`,
    );
  doc.moveDown(0.8);
  doc.font("Mono").fontSize(9);
  for (const line of totalLines(run)) doc.text(line);
  doc.moveDown(0.8);
  doc
    .font("Sans")
    .fontSize(8.5)
    .fillColor("#555555")
    .text(
      "Separation: geodesic distance of the forecast centroid and most likely position from the observed position (interpolated between fixes) at the lead time. " +
        "Liu–Weisberg (2011): s = Σdᵢ / Σl₀ᵢ over the output times, l₀ᵢ the observed track length until then; SS = 1 − s for s < 1, else 0. " +
        "Hit rate: share of output times whose observed position lies inside the p % search area; a calibrated forecast hits about p %.",
    )
    .fillColor("#000000");
  // Each drifter's page: its picture, which carries the figures beside the map.
  run.drifters.forEach((d, n) => {
    doc.addPage();
    doc.font("Sans-Bold").fontSize(13).text(`Drifter ${d.id}`);
    const png = pictures[n];
    if (png) doc.image(Buffer.from(png), 61, 70, { width: 720 });
  });
  return finish();
}

/** Writes validation.json and validation.csv; returns their paths. */
export async function writeValidationTables(
  run: ValidationRun,
  outDir: string,
): Promise<{ json: string; csv: string }> {
  const json = path.join(outDir, VALIDATION_FILES.json);
  const csv = path.join(outDir, VALIDATION_FILES.csv);
  await writeFile(json, `${JSON.stringify(validationJson(run), null, 2)}\n`);
  await writeFile(csv, validationCsv(run));
  return { json, csv };
}
