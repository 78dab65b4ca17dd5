// `driftline validate` without the command line: read the observed tracks, compare (validate.ts), write the
// tables, pictures and PDF (report.ts, picture.ts) into outDir.
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  type CalibrationCase,
  type CalibrationGroup,
  calibrate,
  calibrationCsv,
  renderReliabilityPng,
} from "./calibration.js";
import { renderValidationPng } from "./picture.js";
import { pictureFile, renderValidationPdf, VALIDATION_FILES, writeValidationTables } from "./report.js";
import { type ObservedTrack, TrackError } from "./track.js";
import { readTracks } from "./tracks/index.js";
import { type ValidationRun, validateTracks } from "./validate.js";

export const CALIBRATION_FILES = {
  json: "calibration.json",
  csv: "calibration.csv",
  png: "reliability.png",
} as const;

export interface ValidationJob {
  /** The simulation spec (parsed JSON) for hindcasts; unused with resultDir. */
  spec?: Record<string, unknown>;
  /** Observed track file. */
  observed: string;
  /** Compare with this finished run instead of hindcasts. */
  resultDir?: string;
  outDir: string;
  forcingDir?: string;
  threads?: number;
  /** Skip the PNG pictures and the PDF (tables only). */
  tablesOnly?: boolean;
  onProgress?: (message: string) => void;
}

export interface ValidationOutput {
  run: ValidationRun;
  tracks: ObservedTrack[];
  files: string[];
}

export async function runValidation(job: ValidationJob): Promise<ValidationOutput> {
  const tracks = await readTracks(job.observed);
  await mkdir(job.outDir, { recursive: true });
  const scratch = await mkdtemp(path.join(os.tmpdir(), "driftline-validate-"));
  const pictures: Uint8Array[] = [];
  const files: string[] = [];
  try {
    const run = await validateTracks(job.spec, tracks, scratch, {
      resultDir: job.resultDir,
      forcingDir: job.forcingDir,
      threads: job.threads,
      onProgress: job.onProgress,
      onCase: async (c) => {
        if (job.tablesOnly) return;
        const png = await renderValidationPng(c);
        const file = path.join(job.outDir, pictureFile(pictures.length));
        await writeFile(file, png);
        pictures.push(png);
        files.push(file);
      },
    });
    const tables = await writeValidationTables(run, job.outDir);
    files.unshift(tables.json, tables.csv);
    if (!job.tablesOnly) {
      const pdf = path.join(job.outDir, VALIDATION_FILES.pdf);
      await writeFile(pdf, await renderValidationPdf(run, pictures));
      files.push(pdf);
    }
    return { run, tracks, files };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export interface CalibrationJob {
  /** One spec per forcing to compare (each run as hindcasts of every track). */
  specs: Record<string, unknown>[];
  /** Directory of observed track files (any of the formats; other files are reported as skipped). */
  observedDir: string;
  outDir: string;
  forcingDir?: string;
  threads?: number;
  onProgress?: (message: string) => void;
}

export interface CalibrationOutput {
  groups: CalibrationGroup[];
  cases: CalibrationCase[];
  skipped: { file: string; id?: string; reason: string }[];
  files: string[];
}

/** `driftline validate SPEC… --observed DIR`: every track of every file against every spec, then calibration. */
export async function runCalibration(job: CalibrationJob): Promise<CalibrationOutput> {
  const names = (await readdir(job.observedDir, { withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
  if (names.length === 0) throw new TrackError(job.observedDir, "no track files in the directory");
  await mkdir(job.outDir, { recursive: true });
  const scratch = await mkdtemp(path.join(os.tmpdir(), "driftline-calibrate-"));
  const cases: CalibrationCase[] = [];
  const skipped: CalibrationOutput["skipped"] = [];
  try {
    const tracksOf = new Map<string, ObservedTrack[]>();
    for (const name of names) {
      try {
        tracksOf.set(name, await readTracks(path.join(job.observedDir, name)));
      } catch (e) {
        if (!(e instanceof TrackError)) throw e;
        skipped.push({ file: name, reason: e.message });
      }
    }
    for (const [s, spec] of job.specs.entries()) {
      for (const [name, tracks] of tracksOf) {
        job.onProgress?.(`forecast ${s + 1}/${job.specs.length}: ${name}`);
        const run = await validateTracks(spec, tracks, scratch, {
          forcingDir: job.forcingDir,
          threads: job.threads,
        });
        for (const d of run.drifters) cases.push({ forcing: run.forecast.forcing, file: name, drifter: d });
        for (const k of run.skipped) skipped.push({ file: name, id: k.id, reason: k.reason });
      }
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const groups = calibrate(cases);
  const json = path.join(job.outDir, CALIBRATION_FILES.json);
  const csv = path.join(job.outDir, CALIBRATION_FILES.csv);
  const png = path.join(job.outDir, CALIBRATION_FILES.png);
  await writeFile(
    json,
    `${JSON.stringify(
      {
        groups,
        cases: cases.map((c) => ({
          file: c.file,
          id: c.drifter.id,
          forcing: c.forcing,
          leads: c.drifter.leads,
          skillCentroid: c.drifter.skillCentroid,
          hitRates: c.drifter.hitRates,
          meanRank: c.drifter.meanRank,
        })),
        skipped,
      },
      null,
      2,
    )}\n`,
  );
  await writeFile(csv, calibrationCsv(groups));
  await writeFile(png, await renderReliabilityPng(groups));
  return { groups, cases, skipped, files: [json, csv, png] };
}
