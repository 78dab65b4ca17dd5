// The map in report.pdf: embedded from heatmap.png's pixels without decoding the PNG, it must be the very
// same picture as heatmap.png (and a PNG from elsewhere still goes through pdfkit's own PNG support).
// Needs poppler-utils (pdfimages), as report.test.ts does.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { afterAll, describe, expect, it } from "vitest";
import { heatmapPixels, renderHeatmapPng } from "../../src/products/heatmap.js";
import { renderReportPdf } from "../../src/products/report.js";
import { have } from "../helpers/needs.js";
import { makeFixture } from "./pictures-fixture.js";

const POPPLER = await have("test/products/report-image.test.ts: report.pdf map image (pdfimages)", "poppler");

const dir = mkdtempSync(path.join(tmpdir(), "driftline-report-image-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ISSUED = Date.UTC(2024, 4, 1, 19, 5) / 1000;

async function decodeRgba(bytes: Uint8Array): Promise<{ width: number; height: number; data: Uint8Array }> {
  const img = await loadImage(Buffer.from(bytes));
  const c = createCanvas(img.width, img.height);
  const g = c.getContext("2d");
  g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, img.width, img.height).data;
  return { width: img.width, height: img.height, data: new Uint8Array(d.buffer, d.byteOffset, d.length) };
}

/** The images of a PDF as poppler lists them ("image", "smask" …), and the first one's pixels (RGBA). */
async function pdfImages(name: string, pdf: Uint8Array) {
  const file = path.join(dir, `${name}.pdf`);
  writeFileSync(file, pdf);
  const list = execFileSync("pdfimages", ["-list", file]).toString("utf8").trim().split("\n").slice(2);
  const types = list.map((line) => line.trim().split(/\s+/)[2]);
  execFileSync("pdfimages", ["-png", "-f", "1", "-l", "1", file, path.join(dir, `${name}-img`)]);
  const first = readdirSync(dir)
    .filter((f) => f.startsWith(`${name}-img`))
    .sort()[0];
  return { types, first: await decodeRgba(readFileSync(path.join(dir, first))) };
}

function sameRgb(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 4)
    if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) return false;
  return true;
}

describe.runIf(POPPLER)("report.pdf map image", () => {
  it("heatmapPixels gives the pixels of the PNG renderHeatmapPng returned, and only for that array", async () => {
    const input = makeFixture();
    const png = await renderHeatmapPng(input);
    const pixels = heatmapPixels(png);
    expect(pixels).toBeDefined();
    const decoded = await decodeRgba(png);
    expect([pixels?.width, pixels?.height]).toEqual([decoded.width, decoded.height]);
    expect(Buffer.compare(Buffer.from(pixels!.rgba), Buffer.from(decoded.data))).toBe(0);
    expect(heatmapPixels(Uint8Array.from(png))).toBeUndefined();
  });

  it("embeds exactly heatmap.png's picture, from its pixels or from a PNG of unknown origin", async () => {
    const input = makeFixture();
    const png = await renderHeatmapPng(input);
    const decoded = await decodeRgba(png);

    const fast = await pdfImages(
      "fast",
      await renderReportPdf({ ...input, heatmapPng: png, generatedAt: ISSUED }),
    );
    expect(fast.types).toEqual(["image"]); // opaque: no soft mask
    expect([fast.first.width, fast.first.height]).toEqual([decoded.width, decoded.height]);
    expect(sameRgb(fast.first.data, decoded.data)).toBe(true);

    // A copy is not known as ours: pdfkit decodes it (image and its alpha channel as a soft mask).
    const copy = Uint8Array.from(png);
    const slow = await pdfImages(
      "slow",
      await renderReportPdf({ ...input, heatmapPng: copy, generatedAt: ISSUED }),
    );
    expect(slow.types).toEqual(["image", "smask"]);
    expect(sameRgb(slow.first.data, decoded.data)).toBe(true);

    // Without a PNG the report renders one itself and embeds it the fast way.
    const own = await pdfImages("own", await renderReportPdf({ ...input, generatedAt: ISSUED }));
    expect(own.types).toEqual(["image"]);
    expect(sameRgb(own.first.data, decoded.data)).toBe(true);
  });
});
