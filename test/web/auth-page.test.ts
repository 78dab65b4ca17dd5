// The page against a server that requires an API key: it asks for the key once, keeps it in this
// browser, and then works as in open mode.
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeDir, startTestServer } from "../api/helpers.js";

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer({ auth: "required", worker: false, forcingDir: null });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (server) removeDir(server.dataDir);
});

describe("the page with API keys", () => {
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
});
