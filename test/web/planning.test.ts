// Search planning on the page (issue 22 item 5), in the real chromium against the embedded server: a mission
// run from the form, units added, a plan drawn with each unit's POD and the joint POS, then a searched track
// uploaded and the map of the new revision shown.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { call } from "../api/helpers.js";
import { have } from "../helpers/needs.js";
import { runMissionFromForm, useMissionPage } from "./mission-page.js";

const CHROMIUM = await have("test/web/planning.test.ts: search planning on the page", "chromium");
const ARTIFACTS = path.resolve(import.meta.dirname, "../../test-artifacts");

const at = useMissionPage(CHROMIUM);

describe("search planning on the page", () => {
  it.runIf(CHROMIUM)(
    "adds a unit, plans, shows each unit's POD and the joint POS, then a searched track updates the map",
    async () => {
      const { page, server, pageErrors } = at;
      try {
        await runMissionFromForm(page, {
          name: "Planning page test",
          lat: "69.3",
          lon: "15.9",
          hours: "12",
          particles: "1000",
        });
        await page.waitForSelector("[data-testid=planning]");
        await page.click("#add-unit");
        expect(await page.locator("[data-testid=planning] tr[data-unit]").count()).toBe(3);
        const paths = await page.locator(".leaflet-overlay-pane path").count();
        // The search starts 8 h after the last sighting.
        const list = await call(server, "GET", "/api/v1/missions?perPage=10");
        const sighting = list.json.data.find(
          (m: { name: string }) => m.name === "Planning page test",
        ).lastKnownTime;
        const start = new Date(Date.parse(sighting) + 8 * 3600_000).toISOString();
        await page.fill("#plan-from", start.slice(0, 16).replace("T", " "));
        await page.dispatchEvent("#plan-from", "change");
        await page.click("[data-testid=plan-search]");
        await page.waitForSelector("[data-testid=joint-pos]", { timeout: 120_000 });
        expect(await page.textContent("[data-testid=joint-pos]")).toMatch(
          /Joint probability of success \d+\.\d %/,
        );
        expect(await page.textContent("[data-testid=joint-pos]")).toContain(`${start.slice(0, 16)}:00Z to`);
        expect(await page.locator("[data-testid=pod]").count()).toBe(3);
        // Each unit's area and route are on the map.
        expect(await page.locator(".leaflet-overlay-pane path").count()).toBeGreaterThanOrEqual(paths + 6);

        // The helicopter flew its planned route: its route from plan.gpx, uploaded as a searched track.
        const missions = await call(server, "GET", "/api/v1/missions?perPage=10");
        const id = missions.json.data.find((m: { name: string }) => m.name === "Planning page test").id;
        const plans = await call(server, "GET", `/api/v1/missions/${id}/plans`);
        const gpx = await call(server, "GET", `${plans.json.data[0].url}/download?file=plan.gpx`);
        const heli = gpx.text.replace(/<rte><name>(?!Helicopter)[\s\S]*?<\/rte>\n/g, "");
        const density = page.waitForResponse((r) => /\/revisions\/1\/density$/.test(r.url()), {
          timeout: 300_000,
        });
        await page.setInputFiles("[data-testid=searched-gpx]", {
          name: "helicopter.gpx",
          mimeType: "application/gpx+xml",
          buffer: Buffer.from(heli),
        });
        expect((await density).status()).toBe(200);
        await page.waitForSelector("[data-testid=revision]", { timeout: 300_000 });
        expect(await page.textContent("[data-testid=revision]")).toMatch(
          /Revision 1 .*cumulative POS \d+\.\d %/,
        );
        const revisions = await call(server, "GET", `/api/v1/missions/${id}/revisions`);
        expect(revisions.json.data).toHaveLength(2);
        expect(pageErrors).toEqual([]);
      } catch (error) {
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: path.join(ARTIFACTS, "web-planning-failure.png") });
        throw new Error(`${(error as Error).message}; panel: ${await page.textContent("#results")}`);
      }
    },
    900_000,
  );
});
