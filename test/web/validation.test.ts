// Validation on the page (issue 23 item 5), in the real chromium against the embedded server: a mission run from
// the form, a drifter's track uploaded as CSV, the figures, the picture and the observed track on the map shown;
// then the drifter's current correction estimated and the mission rerun with it.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { geodesicDirect } from "../../src/core/geodesy.js";
import { call } from "../api/helpers.js";
import { have } from "../helpers/needs.js";
import { runMissionFromForm, useMissionPage } from "./mission-page.js";

const CHROMIUM = await have("test/web/validation.test.ts: validation on the page", "chromium");
const ARTIFACTS = path.resolve(import.meta.dirname, "../../test-artifacts");
const ctx = useMissionPage(CHROMIUM);

describe("validation on the page", () => {
  it.runIf(CHROMIUM)(
    "uploads a drifter's track and shows the separations, hit rates, picture and the track on the map",
    async () => {
      try {
        const { page, server, pageErrors } = ctx;
        await runMissionFromForm(page, {
          name: "Validation page test",
          lat: "69.3",
          lon: "15.9",
          hours: "12",
          particles: "500",
        });
        await page.waitForSelector("[data-testid=validation]");
        const missions = await call(server, "GET", "/api/v1/missions?perPage=10");
        const mission = missions.json.data.find((m: { name: string }) => m.name === "Validation page test");
        const t0 = Date.parse(mission.lastKnownTime) / 1000;
        const rows = ["time,lon,lat"];
        for (let i = 0; i <= 12; i++) {
          const p = geodesicDirect(69.3, 15.9, 45, 1500 * i);
          rows.push(`${new Date((t0 + 3600 * i) * 1000).toISOString()},${p.lon},${p.lat}`);
        }
        const paths = await page.locator(".leaflet-overlay-pane path").count();
        await page.setInputFiles("[data-testid=validation-track]", {
          name: "drifter.csv",
          mimeType: "text/csv",
          buffer: Buffer.from(`${rows.join("\n")}\n`),
        });
        await page.waitForSelector("[data-testid=validation-total]", { timeout: 120_000 });
        expect(await page.textContent("[data-testid=validation-drifter]")).toMatch(
          /6 h \d+\.\d+ km · 12 h \d+\.\d+ km/,
        );
        expect(await page.textContent("[data-testid=validation-total]")).toMatch(
          /the 50\/90\/95 % areas held the observation \d+ % \/ \d+ % \/ \d+ % of the time \(\d+ output times\)/,
        );
        await page.waitForSelector("[data-testid=validation-picture]");
        const width = await page.evaluate(
          () => (document.querySelector("[data-testid=validation-picture]") as HTMLImageElement).naturalWidth,
        );
        expect(width).toBe(1200);
        expect(await page.locator(".leaflet-overlay-pane path").count()).toBeGreaterThan(paths);
        // The drifter's current correction, and the mission rerun with it.
        await page.click("[data-testid=estimate-correction]");
        await page.waitForSelector("[data-testid=correction]", { timeout: 120_000 });
        expect(await page.textContent("[data-testid=correction]")).toMatch(
          /Current correction \d+\.\d\d m\/s towards \d+°/,
        );
        await page.click("[data-testid=rerun-corrected]");
        await expect
          .poll(() => page.textContent("[data-testid=validation-message]"), { timeout: 30_000 })
          .toMatch(/queued with the correction/);
        const after = await call(server, "GET", "/api/v1/missions?perPage=10");
        const rerun = after.json.data.find((m: { name: string }) => /\(current corrected\)$/.test(m.name));
        expect(rerun.config.current_bias).toEqual({ x: expect.any(Number), y: expect.any(Number) });
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: path.join(ARTIFACTS, "web-validation.png") });
        expect(pageErrors).toEqual([]);
      } catch (error) {
        mkdirSync(ARTIFACTS, { recursive: true });
        await ctx.page.screenshot({ path: path.join(ARTIFACTS, "web-validation-failure.png") });
        throw new Error(`${(error as Error).message}; panel: ${await ctx.page.textContent("#results")}`);
      }
    },
    900_000,
  );
});
