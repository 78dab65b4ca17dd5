// The web page in a real browser (Debian's chromium driven by playwright-core) against the embedded
// server: field errors, a mission created from the page and followed live to its results, the search-area
// layer and the time slider, a product download; screenshots for the test artefacts and docs/.
import { mkdirSync, statSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeRunner } from "../api/fake-runner.js";
import { removeDir, startTestServer } from "../api/helpers.js";
import { have } from "../helpers/needs.js";
import { launchChromium, openPage } from "./browser.js";

const CHROMIUM = await have("test/web/page.test.ts: the Driftline page", "chromium");
const runner = process.env.DRIFTLINE_TEST_FAKE_RUNNER ? fakeRunner : undefined;
const ROOT = path.resolve(import.meta.dirname, "../..");
const ARTIFACTS = path.join(ROOT, "test-artifacts");

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
/** "status path" of every response the page got. */
const responses: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ runner });
  browser = await launchChromium();
  page = await openPage(browser, server.url, pageErrors);
  page.on("response", (r) => responses.push(`${r.status()} ${new URL(r.url()).pathname}`));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (server) removeDir(server.dataDir);
});

describe.runIf(CHROMIUM)("the Driftline page", () => {
  it("shows errors next to the fields and does not submit", async () => {
    await page.fill("#f-lat", "95°10'N");
    await page.fill("#f-lon", "4.5");
    await page.click("#submit");
    await expect.poll(() => page.textContent("#err-name")).toMatch(/name/);
    expect(await page.textContent("#err-lastKnownLat")).toMatch(/between -90 and 90/);
    expect(await page.getAttribute("#f-lat", "aria-invalid")).toBe("true");
    expect(await page.textContent("#err-lastKnownLon")).toBe("");
    // The first invalid field has the focus, for keyboard users.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("f-name");
  });

  it("shows server-side field errors next to their field", async () => {
    await page.fill("#f-name", "too many particles");
    await page.fill("#f-lat", "59 18.0 N");
    await page.fill("#f-particles", "20000");
    await page.click("#submit");
    await expect.poll(() => page.textContent("#err-particleCount")).toMatch(/^Particles: at most 10000$/);
    expect(await page.getAttribute("#f-particles", "aria-invalid")).toBe("true");
  });

  it("offers the forcing areas and the object types, searchable and grouped", async () => {
    await expect.poll(() => page.locator("[data-testid=use-forcing]").count()).toBeGreaterThan(0);
    const groups = await page.$$eval("#f-object optgroup", (els) => els.map((e) => e.getAttribute("label")));
    expect(groups[0]).toBe("Common");
    expect(groups).toContain("Life rafts");
    expect(await page.locator("#f-object option").count()).toBeGreaterThan(85);
    await page.fill("#f-object-search", "kayak");
    const options = await page.$$eval("#f-object option", (els) => els.map((e) => e.textContent ?? ""));
    expect(options.every((o) => /kayak/i.test(o))).toBe(true);
    expect(await page.textContent("#object-echo")).toMatch(/PERSON-POWERED-VESSEL-1/);
  });

  it("creates a mission from the page and follows it to its results", async () => {
    // Position by click first, then typed in degrees and minutes (the typed value wins).
    await page.click("#map", { position: { x: 500, y: 400 } });
    expect(await page.inputValue("#f-lat")).toMatch(/^-?\d+\.\d+$/);
    await page.fill("#f-name", "Browser test: life raft");
    await page.fill("#f-lat", "59°18.0'N");
    await page.fill("#f-lon", "004°36.0'E");
    expect(await page.textContent("#pos-echo")).toContain("59°18.00'N 004°36.00'E");
    await page.fill("#f-time", "2024-03-01T06:00");
    await page.fill("#f-object-search", "life raft");
    await page.selectOption("#f-object", "7");
    await page.fill("#f-hours", "6");
    await page.fill("#f-particles", "200");
    await page.fill("#f-radius", "500");
    await page.click("#on-scene summary");
    await page.fill("#f-wind-speed", "10");
    await page.fill("#f-wind-dir", "225");
    await page.fill("#f-current-speed", "0.2");
    await page.fill("#f-current-dir", "30");
    // Submit with the keyboard.
    await page.focus("#submit");
    await page.keyboard.press("Enter");

    await page.waitForSelector("[data-testid=results]", { timeout: 120_000 });
    expect(await page.textContent("#results")).toMatch(/Browser test: life raft/);
    expect(await page.textContent("[data-testid=most-likely]")).toMatch(/°.*'N .*°.*'E/);
    const listed = await page.$$eval("#mission-list li", (els) =>
      els.map((e) => e.getAttribute("data-status")),
    );
    expect(listed).toContain("completed");
  }, 150_000); // the wait above may take its 120 s on a busy machine

  it("draws the search areas and moves them with the time slider", async () => {
    const areas = page.locator(".leaflet-areas-pane path");
    await expect.poll(() => areas.count()).toBeGreaterThanOrEqual(2);
    const label = () => page.inputValue("#time-slider").then(() => page.textContent("#time-label"));
    expect(await label()).toMatch(/^T\+6 h · 2024-03-01 12:00 UTC$/);
    const lastAreas = await areas.evaluateAll((els) => els.map((e) => e.getAttribute("d")).join());

    await page.focus("#time-slider");
    await page.keyboard.press("Home");
    await expect.poll(label).toMatch(/^T\+0 h · 2024-03-01 06:00 UTC$/);
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    await expect.poll(label).toMatch(/^T\+3 h/);
    const midAreas = await areas.evaluateAll((els) => els.map((e) => e.getAttribute("d")).join());
    expect(midAreas).not.toBe(lastAreas);

    // Play runs to the end.
    await page.click("#play");
    await expect.poll(label, { timeout: 10_000 }).toMatch(/^T\+6 h/);

    // Layers can be switched off and on.
    await page.uncheck("input[data-layer=areas]");
    await expect.poll(() => areas.count()).toBe(0);
    await page.check("input[data-layer=areas]");
    await expect.poll(() => areas.count()).toBeGreaterThanOrEqual(2);
  });

  it("colours the heat layer from the product's probability grid (the grid of the search areas)", async () => {
    expect(responses.some((r) => /^200 .*\/results\/density$/.test(r))).toBe(true);
    const painted = await page.$eval(".leaflet-heat-pane canvas", (c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let k = 3; k < data.length; k += 4) if (data[k] > 0) n++;
      return n;
    });
    expect(painted).toBeGreaterThan(50);
  });

  it("downloads products from the results panel", async () => {
    const formats = await page.$$eval("[data-testid=downloads] a", (els) =>
      els.map((e) => e.getAttribute("data-format")),
    );
    expect(formats).toEqual(
      expect.arrayContaining(["netcdf", "geojson", "kml", "png", "gif", "pdf", "density", "csv"]),
    );
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-format=pdf]")]);
    expect(download.suggestedFilename()).toMatch(/^browser-test-life-raft-[0-9a-f]{8}-report\.pdf$/);
    const file = await download.path();
    expect(statSync(file!).size).toBeGreaterThan(runner ? 0 : 100);
  });

  it("saves a screenshot of the results as a test artefact", async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "web-results.png") });
    expect(pageErrors).toEqual([]);
  });

  // DRIFTLINE_DOCS_SCREENSHOT=1: a demo mission in the bundled forcing area, for docs/screenshot-results.png.
  it.runIf(process.env.DRIFTLINE_DOCS_SCREENSHOT && !runner)(
    "makes the docs screenshot from a demo mission in the forcing area",
    async () => {
      await page.click("#tab-new");
      await page.locator("[data-testid=use-forcing]").first().click();
      await page.fill("#f-name", "Demo: person in water off Lofoten");
      await page.fill("#f-lat", "68°54.0'N"); // the arctic20 reference scenario's position
      await page.fill("#f-lon", "014°00.0'E");
      await page.fill("#f-object-search", "");
      await page.selectOption("#f-object", "1");
      await page.fill("#f-hours", "24");
      await page.fill("#f-particles", "2000");
      await page.fill("#f-radius", "1000");
      for (const id of ["#f-wind-speed", "#f-wind-dir", "#f-current-speed", "#f-current-dir"])
        await page.fill(id, "");
      await page.click("#submit");
      await page.waitForSelector("[data-testid=results] >> text=Demo: person in water", { timeout: 120_000 });
      await page.waitForTimeout(1500);
      await page.focus("#time-slider");
      await page.keyboard.press("End");
      await page.waitForTimeout(1500);
      await page.evaluate(() => {
        (document.getElementById("toast") as HTMLElement).hidden = true;
      });
      mkdirSync(path.join(ROOT, "docs"), { recursive: true });
      await page.screenshot({ path: path.join(ROOT, "docs", "screenshot-results.png") });
      expect(pageErrors).toEqual([]);
    },
    150_000,
  );
});
