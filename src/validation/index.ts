// `driftline validate` without the command line: read the observed tracks, compare (validate.ts), write the
// tables, pictures and PDF (report.ts, picture.ts) into outDir.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { figureLines, renderValidationPng } from "./picture.js";
import { pictureFile, renderValidationPdf, VALIDATION_FILES, writeValidationTables } from "./report.js";
import type { ObservedTrack } from "./track.js";
import { readTracks } from "./tracks/index.js";
import { type ValidationRun, validateTracks } from "./validate.js";

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
  const lines: string[][] = [];
  const files: string[] = [];
  try {
    const run = await validateTracks(job.spec, tracks, scratch, {
      resultDir: job.resultDir,
      forcingDir: job.forcingDir,
      threads: job.threads,
      onProgress: job.onProgress,
      onCase: async (c) => {
        lines.push(figureLines(c));
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
      await writeFile(pdf, await renderValidationPdf(run, pictures, lines));
      files.push(pdf);
    }
    return { run, tracks, files };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
