// The page tells the coordinator the whole truth (issue 19), in the real chromium against the embedded
// server with the shared demo forcing: defaults inside the forcing, the object search, the land warning,
// the refused past-forcing run, and a failed mission followed by three good ones, each followed to its
// results without a reload (stranded counts equal summary.json at every time; a partial run says from when
// there is no forcing; a release on land says what was moved and how far).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { call } from "../api/helpers.js";
import { have } from "../helpers/needs.js";
import { useMissionPage } from "./mission-page.js";

const CHROMIUM = await have("test/web/truth.test.ts: the page tells the whole truth", "chromium");
const ARTIFACTS = path.resolve(import.meta.dirname, "../../test-artifacts");

const at = useMissionPage(CHROMIUM);

interface MissionForm {
  name: string;
  lat: string;
  lon: string;
  time?: string;
  hours?: string;
  particles?: string;
  partial?: boolean;
}

async function fillMission(m: MissionForm) {
  const { page } = at;
  await page.click("#tab-new");
  await page.fill("#f-name", m.name);
  await page.fill("#f-lat", m.lat);
  await page.fill("#f-lon", m.lon);
  if (m.time) await page.fill("#f-time", m.time);
  await page.fill("#f-hours", m.hours ?? "24");
  await page.fill("#f-particles", m.particles ?? "1000");
  await page.setChecked("#f-partial", m.partial === true);
}

/** Submits the form and waits for the mission's results (or its failure) in the results panel. */
async function runMission(m: MissionForm, outcome: "completed" | "failed" = "completed") {
  const { page, server, pageErrors } = at;
  await fillMission(m);
  await page.click("#submit");
  try {
    if (outcome === "failed") {
      await page.waitForSelector(`[data-testid=status-box] .badge.failed`, { timeout: 300_000 });
    } else {
      await page.waitForSelector(`[data-testid=results]:has-text("${m.name}"), [data-testid=results-error]`, {
        timeout: 400_000,
      });
      if (await page.locator("[data-testid=results-error]").count()) throw new Error("results not shown");
    }
  } catch (error) {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "web-truth-failure.png") });
    const panel = await page.textContent("#results");
    throw new Error(`${(error as Error).message}; panel: ${panel}; page errors: ${pageErrors.join(" | ")}`);
  }
  const list = await call(server, "GET", "/api/v1/missions?perPage=100");
  return list.json.data.find((x: { name: string }) => x.name === m.name) as { id: string };
}

async function setSlider(k: number) {
  const { page } = at;
  await page.$eval(
    "#time-slider",
    (el, value) => {
      (el as HTMLInputElement).value = String(value);
      el.dispatchEvent(new Event("input"));
    },
    k,
  );
}

describe.runIf(CHROMIUM)("the page tells the whole truth", () => {
  it("defaults the time to one the forcing covers and explains the coverage boxes", async () => {
    const { page } = at;
    await expect.poll(() => page.inputValue("#f-time"), { timeout: 60_000 }).toBe("2016-02-01 12:00");
    expect(await page.textContent("[data-testid=coverage-legend]")).toMatch(/wind data.*current data/);
  });

  it("finds objects by the API's names, exact common names first, and shows the choice", async () => {
    const { page } = at;
    await page.fill("#f-object-search", "debris");
    expect(await page.inputValue("#f-object")).toBe("66");
    expect(await page.textContent("#object-echo")).toMatch(/^Selected: .*FV-DEBRIS/);
    await page.fill("#f-object-search", "kayak");
    expect(await page.inputValue("#f-object")).toBe("41");
    await page.fill("#f-object-search", "raft");
    expect(await page.inputValue("#f-object")).toBe("7");
    expect(await page.textContent("#object-echo")).toMatch(/LIFE-RAFT-DB-10/);
    await page.fill("#f-object-search", "person");
    expect(await page.inputValue("#f-object")).toBe("1");
  });

  it("warns as soon as the position is on land, and moves the map to a typed position", {
    timeout: 180_000,
  }, async () => {
    const { page } = at;
    await page.fill("#f-lat", "69.28");
    await page.fill("#f-lon", "16.05");
    // The first answer of the full-resolution coastline thread can take seconds on a busy machine.
    await expect.poll(() => page.isVisible("#land-warning"), { timeout: 60_000 }).toBe(true);
    expect(await page.textContent("#land-warning")).toMatch(
      /on land .*nearest sea point, [\d,]+ m away \(\d+°/,
    );
    await page.fill("#f-lat", "10");
    await page.fill("#f-lon", "-30");
    await expect.poll(() => page.isVisible("#land-warning"), { timeout: 60_000 }).toBe(false);
    await expect
      .poll(() =>
        page.evaluate(() => {
          const marker = document.querySelector(".leaflet-marker-icon") as HTMLElement | null;
          const box = marker?.getBoundingClientRect();
          const map = document.getElementById("map")!.getBoundingClientRect();
          return (
            !!box &&
            box.left >= map.left &&
            box.right <= map.right &&
            box.top >= map.top &&
            box.bottom <= map.bottom
          );
        }),
      )
      .toBe(true);
  });

  it("refuses a run past the end of the forcing, naming the field and the covered window", {
    timeout: 180_000,
  }, async () => {
    const { page } = at;
    await fillMission({
      name: "past the data",
      lat: "69.3",
      lon: "15.9",
      time: "2016-02-05 00:00",
      hours: "48",
    });
    await page.click("#submit");
    await expect
      .poll(() => page.textContent("#err-forecastHours"), { timeout: 30_000 })
      .toMatch(/2016-02-05 12:00 UTC.*at most 12 h/);
    expect(await page.getAttribute("#f-hours", "aria-invalid")).toBe("true");
  });

  it("follows a failed mission, then three good ones, each to its end without a reload", async () => {
    const { page, server, pageErrors } = at;
    // Outside every forcing file, no on-scene values, partial runs allowed: the worker fails it.
    await runMission(
      {
        name: "fails: no forcing here",
        lat: "10",
        lon: "-30",
        time: "2016-02-01 12:00",
        hours: "6",
        particles: "100",
        partial: true,
      },
      "failed",
    );
    expect(await page.textContent("[data-testid=status-box]")).toMatch(/no (wind|current) forcing covers/);
    expect(await page.textContent("[data-testid=status-box]")).not.toMatch(/waiting for the worker/);

    // The form's defaults but the position: 24 h, 1000 particles, 10-minute steps.
    const good = await runMission({
      name: "PIW off Andøya",
      lat: "69.3",
      lon: "15.9",
      time: "2016-02-01 12:00",
    });
    const summary = (await call(server, "GET", `/api/v1/missions/${good.id}/results/download?format=summary`))
      .json;
    const snapshots = summary.snapshots as { counts: Record<string, number> }[];
    const max = Number(await page.getAttribute("#time-slider", "max"));
    expect(max).toBe(snapshots.length - 1);
    for (let k = 0; k <= max; k++) {
      await setSlider(k);
      expect(Number(await page.textContent("[data-testid=stranded]"))).toBe(snapshots[k].counts.stranded);
      expect(Number(await page.textContent("[data-testid=afloat]"))).toBe(snapshots[k].counts.active);
    }
    expect(snapshots[max].counts.stranded).toBeGreaterThan(0);
    // Most likely position with its radius, the centroid with what it means, and where on the shore to look.
    expect(await page.textContent("[data-testid=most-likely-radius]")).toMatch(/± \d+\.\d km/);
    expect(await page.textContent("[data-testid=centroid]")).toMatch(/\d+°\d/);
    expect(await page.textContent("[data-testid=results]")).toMatch(/cloud.s centre, not necessarily/);
    const shoreRows = await page.locator("[data-testid=shore-stretches] tr").count();
    expect(shoreRows).toBeGreaterThan(1); // header + at least one stretch
    expect(shoreRows).toBeLessThanOrEqual(4);
    expect(await page.locator("input[data-layer=shore]").isChecked()).toBe(true);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "web-stranded.png") });

    // Allowed past the end of the data: the results say from when there is none.
    await runMission({
      name: "partial: data end at T+12 h",
      lat: "69.3",
      lon: "15.9",
      time: "2016-02-05 00:00",
      hours: "24",
      particles: "300",
      partial: true,
    });
    expect(await page.textContent("[data-testid=no-forcing-from]")).toMatch(
      /No forcing data from T\+1[23] h/,
    );

    // Released on land: the results say how many particles were moved, and how far.
    await runMission({
      name: "released on Andøya",
      lat: "69.25",
      lon: "16.0",
      time: "2016-02-01 12:00",
      hours: "6",
      particles: "300",
    });
    expect(await page.textContent("[data-testid=release-on-land]")).toMatch(
      /300 of 300 particles were moved to the nearest sea point, up to [\d,]+ m/,
    );
    expect(pageErrors).toEqual([]);
  }, 1_500_000);
});
