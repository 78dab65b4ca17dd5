// A browser page on an embedded test server, for page tests of a mission's results (validation, …): the server
// and chromium start before the file's tests and stop after them; a mission is run from the form.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { removeDir, startTestServer } from "../api/helpers.js";
import { launchChromium, openPage } from "./browser.js";

export interface MissionPage {
  server: Awaited<ReturnType<typeof startTestServer>>;
  browser: Browser;
  page: Page;
  pageErrors: string[];
}

/** Starts the server and the page (of the given size) before the tests (when `enabled`), stops them after. */
export function useMissionPage(enabled: boolean, viewport = { width: 1400, height: 900 }): MissionPage {
  const ctx = { pageErrors: [] as string[] } as unknown as MissionPage;
  beforeAll(async () => {
    if (!enabled) return;
    ctx.server = await startTestServer();
    ctx.browser = await launchChromium();
    ctx.page = await openPage(ctx.browser, ctx.server.url, ctx.pageErrors, viewport);
  }, 120_000);
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.server?.close();
    if (ctx.server) removeDir(ctx.server.dataDir);
  });
  return ctx;
}

/** Fills the form and waits for the mission's results panel. */
export async function runMissionFromForm(
  page: Page,
  m: { name: string; lat: string; lon: string; hours: string; particles: string },
): Promise<void> {
  await page.click("#tab-new");
  await page.fill("#f-name", m.name);
  await page.fill("#f-lat", m.lat);
  await page.fill("#f-lon", m.lon);
  await page.fill("#f-hours", m.hours);
  await page.fill("#f-particles", m.particles);
  await page.click("#submit");
  await page.waitForSelector(`[data-testid=results]:has-text("${m.name}")`, { timeout: 400_000 });
}
