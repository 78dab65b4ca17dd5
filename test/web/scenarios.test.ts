// The page with two weighted scenarios, in a real browser against the embedded server: the coordinator adds a
// second scenario (a person who left the raft an hour later, elsewhere, 40 %), the results show the combined
// areas, a table of the scenarios and, ticked, a scenario's own areas in its colour.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { have } from "../helpers/needs.js";
import { useMissionPage } from "./mission-page.js";

const CHROMIUM = await have("test/web/scenarios.test.ts: scenarios on the page", "chromium");
const ARTIFACTS = path.resolve(import.meta.dirname, "../../test-artifacts");

const at = useMissionPage(CHROMIUM, { width: 1400, height: 860 });

describe.runIf(CHROMIUM)("scenarios on the page", () => {
  it("names a bad second-scenario field next to it", async () => {
    const { page } = at;
    await page.fill("#f-name", "Browser test: raft or person");
    await page.fill("#f-lat", "59°18.0'N");
    await page.fill("#f-lon", "004°36.0'E");
    await page.fill("#f-time", "2024-03-01 06:00");
    await page.fill("#f-hours", "6");
    await page.click("#second-scenario summary");
    await page.check("#f-s2-on");
    await page.fill("#f-s2-start", "2024-03-02 07:00");
    await page.click("#submit");
    await expect
      .poll(() => page.textContent("#err-scenarios\\.1\\.lastKnownTime"))
      .toMatch(/within the forecast/);
  });

  it("runs a mission of two scenarios and shows each on its own", async () => {
    const { page, pageErrors } = at;
    await page.fill("#f-object-search", "life raft");
    await page.selectOption("#f-object", "7");
    await page.fill("#f-particles", "300");
    await page.fill("#f-radius", "300");
    await page.fill("#f-s1-name", "raft");
    await page.fill("#f-s2-name", "person");
    await page.fill("#f-s2-weight", "40");
    await page.fill("#f-s2-lat", "59°19.0'N");
    await page.fill("#f-s2-lon", "004°39.0'E");
    await page.fill("#f-s2-start", "2024-03-01 07:00");
    await page.fill("#f-s2-end", "2024-03-01 08:00");
    await page.selectOption("#f-s2-object", "1");
    await page.click("#on-scene summary");
    await page.fill("#f-wind-speed", "10");
    await page.fill("#f-wind-dir", "225");
    await page.fill("#f-current-speed", "0.2");
    await page.fill("#f-current-dir", "30");
    await page.click("#submit");

    await page.waitForSelector("[data-testid=scenarios]", { timeout: 120_000 });
    const rows = await page.$$eval("[data-testid=scenario-row]", (els) =>
      els.map((e) => [...e.querySelectorAll("td")].map((td) => (td.textContent ?? "").trim())),
    );
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ["raft", "60 %", "LIFE-RAFT-DB-10"],
      ["person", "40 %", "PIW-1"],
    ]);
    for (const r of rows) expect(Number(r[4])).toBeGreaterThan(0);

    // Ticking the person draws its own areas and release in its colour.
    const own = page.locator('.leaflet-areas-pane path[stroke="#0891b2"]');
    expect(await own.count()).toBe(0);
    await page.check("input[data-scenario='1']");
    await expect.poll(() => own.count()).toBeGreaterThanOrEqual(2);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "web-scenarios.png") });
    await page.uncheck("input[data-scenario='1']");
    await expect.poll(() => own.count()).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 150_000);
});
