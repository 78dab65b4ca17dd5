// The page runs a forcing ensemble (issue 21 item 5), in a real browser against the embedded server: the
// coordinator ticks two current files of the server as members; the mission runs on both, its result lists
// the two members, the agreement product is among the downloads, and the page draws where they agree.
import { describe, expect, it } from "vitest";
import { have } from "../helpers/needs.js";
import { fillMission } from "./fill-form.js";
import { useMissionPage } from "./mission-page.js";

const CHROMIUM = await have("test/web/ensemble.test.ts: a forcing ensemble from the page", "chromium");

const at = useMissionPage(CHROMIUM);

describe.runIf(CHROMIUM)("forcing ensemble on the page", () => {
  it("offers the server's current files, refuses a single one and runs two as members", async () => {
    const { page, server, pageErrors } = at;
    await fillMission(page, { name: "Browser test: current ensemble" });
    await page.click("#forcing-ensemble summary");
    await page.waitForSelector("[data-ensemble-file]");
    const files = await page.$$eval("[data-ensemble-file]", (els) =>
      els.map((e) => (e as HTMLInputElement).value),
    );
    expect(files).toEqual(expect.arrayContaining(["Arctic20_1to5Feb_2016.nc", "Nordic_subset.nc"]));
    await page.check("[data-ensemble-file='Arctic20_1to5Feb_2016.nc']");
    await page.click("#submit");
    await expect.poll(() => page.textContent("#err-forcingEnsemble\\.files")).toMatch(/at least two files/);

    await page.check("[data-ensemble-file='Nordic_subset.nc']");
    await page.click("#submit");
    const missionNamed = async () => {
      const list = await (await fetch(`${server.url}/api/v1/missions`)).json();
      return list.data?.find((m: { name: string }) => m.name === "Browser test: current ensemble");
    };
    await expect
      .poll(async () => (await missionNamed())?.status, { timeout: 150_000, interval: 500 })
      .toBe("completed");
    const mission = await missionNamed();
    const r = (await (await fetch(`${server.url}/api/v1/missions/${mission.id}/results`)).json()).data;
    const members = r.extra?.summary?.members ?? [];
    expect(members.map((m: { particles: number; weight: number }) => [m.particles, m.weight])).toEqual([
      [100, 0.5],
      [100, 0.5],
    ]);
    expect(JSON.stringify(r.downloads ?? r)).toContain("agreement");
    // The results panel lists the members and the map draws where they agree.
    await page.waitForSelector("[data-testid=ensemble-members]", { timeout: 60_000 });
    const rows = await page.$$eval("[data-testid=ensemble-members] tr", (els) => els.length);
    expect(rows).toBe(3);
    await expect
      .poll(() => page.locator('.leaflet-areas-pane path[stroke="#0f766e"]').count())
      .toBeGreaterThanOrEqual(1);
    expect(pageErrors).toEqual([]);
  }, 240_000);
});
