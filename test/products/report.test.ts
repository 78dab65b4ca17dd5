// report.pdf: renders with poppler (pdftoppm) into 1–2 A4 pages and its text (pdftotext) has the key facts.
// Needs the Debian package poppler-utils.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatPositionDM } from "../../src/products/coordinates.js";
import { renderReportPdf } from "../../src/products/report.js";
import { have } from "../helpers/needs.js";
import { type FixtureOptions, makeFixture } from "./pictures-fixture.js";

const POPPLER = await have(
  "test/products/pictures-report.test.ts: report.pdf through pdftoppm and pdftotext",
  "poppler",
);

const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));
const ISSUED = Date.UTC(2024, 4, 1, 19, 5) / 1000;

async function renderAndCheck(name: string, opts: FixtureOptions): Promise<{ text: string; pages: number }> {
  const input = makeFixture(opts);
  const pdf = await renderReportPdf({ ...input, generatedAt: ISSUED });
  expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe("%PDF-");
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = `${ARTIFACTS}${name}.pdf`;
  writeFileSync(file, pdf);
  for (const f of readdirSync(ARTIFACTS)) if (f.startsWith(`${name}-page`)) rmSync(`${ARTIFACTS}${f}`);
  execFileSync("pdftoppm", ["-png", "-r", "50", file, `${ARTIFACTS}${name}-page`]);
  const pages = readdirSync(ARTIFACTS).filter(
    (f) => f.startsWith(`${name}-page`) && f.endsWith(".png"),
  ).length;
  const text = execFileSync("pdftotext", ["-layout", file, "-"]).toString("utf8");
  return { text, pages };
}

describe.runIf(POPPLER)("report.pdf", () => {
  it("is a two-page A4 briefing with the position, areas, inputs and caveats", async () => {
    const { text, pages } = await renderAndCheck("report", {});
    expect(pages).toBe(2);
    const input = makeFixture();
    const k = input.ctx.trajectory.times.length - 1;
    const snap = input.areas[k];
    for (const s of [
      "PIW-1",
      "Person-in-water (PIW), unknown state",
      "60°00.00'N 004°42.00'E",
      "(60.00000, 4.70000)",
      "2024-05-01 18:00 UTC",
      "Forecast for 2024-05-02 18:00 UTC",
      "Most likely position",
      formatPositionDM(snap.mostLikelyLon!, snap.mostLikelyLat!),
      formatPositionDM(snap.centroidLon!, snap.centroidLat!),
      "North-west corner",
      "nora3_wind_2024050118.nc",
      "norkyst800_20240501.nc",
      "Stranded",
      "Caveats",
      "decision support",
      "Page 2 of 2",
    ]) {
      expect(text).toContain(s);
    }
    expect(text).toContain(`${Math.round(snap.areas["90"]!.areaKm2)} km²`);
    expect(text).toContain(`${snap.counts.stranded}`);
    // Where on the shore: the stretches with most strandings (GSHHG shoreline near them).
    expect(text).toContain("Shore to search 1");
  });

  it("says how many searches the particles' weights carry, and their cumulative POS", async () => {
    const input = makeFixture({});
    input.ctx.searchRevision = { revision: 2, searches: 2, cumulativePos: 0.613 };
    const pdf = await renderReportPdf({ ...input, generatedAt: ISSUED });
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = `${ARTIFACTS}report-searched.pdf`;
    writeFileSync(file, pdf);
    const text = execFileSync("pdftotext", ["-layout", file, "-"]).toString("utf8");
    expect(text).toMatch(/Searches so far\s+revision 2: 2 unsuccessful searches, cumulative POS 61\.3 %/);
  });

  it("fits a backtracking run and a long line release on two pages", async () => {
    const back = await renderAndCheck("report-back", { backward: true });
    expect(back.pages).toBe(2);
    expect(back.text).toContain("Backward");
    expect(back.text).toContain("Backtracked to 2024-04-30 18:00 UTC");
    const line = await renderAndCheck("report-line", {
      lineRelease: true,
      objectTypeId: 12,
      coastline: false,
    });
    expect(line.pages).toBe(2);
    expect(line.text).toContain("LIFE-RAFT-DB-15");
    expect(line.text).toContain("line from 60°00.00'N 004°42.00'E");
  });
});
