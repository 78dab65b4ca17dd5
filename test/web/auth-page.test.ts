// The page against a server that requires an API key: it asks for the key once, keeps it in this
// browser, and then works as in open mode.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeDir, startTestServer } from "../api/helpers.js";
import { have } from "../helpers/needs.js";
import { launchChromium } from "./browser.js";

const CHROMIUM = await have("test/web/auth-page.test.ts: the page with API keys", "chromium");

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer({ auth: "required", worker: false, forcingDir: null });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (server) removeDir(server.dataDir);
});

describe.runIf(CHROMIUM)("the page with API keys", () => {
  it("asks for the key, then lists missions with it", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.waitForSelector("#key-dialog[open]");
    await page.fill("#key-input", server.createdApiKey!);
    await Promise.all([page.waitForEvent("load"), page.click("#key-form button")]);
    await expect.poll(() => page.textContent("#mode")).toMatch(/API key required/);
    await page.click("#tab-missions");
    await expect.poll(() => page.textContent("#mission-list")).toMatch(/No missions yet/);
    expect(await page.evaluate(() => localStorage.getItem("driftline.apiKey"))).toBe(server.createdApiKey);
    expect(await page.locator("#key-dialog[open]").count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("follows a mission by an event stream sent with the key (EventSource cannot send it), not by polling", async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on("request", (r) => requests.push(new URL(r.url()).pathname));
    await page.goto(server.url);
    await page.evaluate((key) => localStorage.setItem("driftline.apiKey", key), server.createdApiKey!);
    // A string, so that the test runner leaves the page's dynamic import alone.
    const status = await page.evaluate(`(async () => {
      const { api, followMission } = await import("/web/src/api.js");
      const created = await api("/api/v1/missions", {
        method: "POST",
        body: {
          name: "stream test",
          lastKnownLat: 59.3,
          lastKnownLon: 4.6,
          lastKnownTime: "2024-03-01T06:00:00Z",
          objectType: "Life Raft",
          forecastHours: 6,
          ensembleSize: 100,
          onSceneWind: { speed: 10, direction: 225 },
          onSceneCurrent: { x: 0.1, y: 0.2 },
        },
      });
      return new Promise((resolve) => {
        const stop = followMission(created.data.id, (s) => {
          stop();
          resolve(s);
        });
      });
    })()`);
    expect(status).toMatchObject({ status: "queued" });
    expect(requests.filter((p) => p.endsWith("/events"))).toHaveLength(1);
    expect(requests.filter((p) => p.endsWith("/status"))).toHaveLength(0);
    await page.close();
  });
});
