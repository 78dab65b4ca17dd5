// Issue 24.3: stored XSS. A mission named like an HTML tag with an event handler renders as text in the
// real browser (the overview's tooltip, the list, the results panel), and the page's Content-Security-
// Policy forbids inline script, so even HTML that slipped through could not run.
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, removeDir, SMALL_MISSION, startTestServer } from "../api/helpers.js";
import { have } from "../helpers/needs.js";

const CHROMIUM = await have(
  "test/hardening/xss-csp.test.ts: a mission name with HTML on the page",
  "chromium",
);

const NAME = `<img src=x onerror="window.__xss=1"><b>bold</b>`;
let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer({ worker: false, auth: "open" });
  if (!CHROMIUM) return;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
    ],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (server) removeDir(server.dataDir);
});

describe("user strings on the page", () => {
  it("sends a Content-Security-Policy without inline script on the page", async () => {
    const r = await fetch(`${server.url}/`);
    const csp = r.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)/);
    expect(csp.split("; ").find((d) => d.startsWith("script-src"))).not.toContain("unsafe-inline");
  });

  it.runIf(CHROMIUM)(
    "shows a mission name with HTML in it as text, and runs none of it",
    async () => {
      const created = await call(server, "POST", "/api/v1/missions", { ...SMALL_MISSION, name: NAME });
      expect(created.status).toBe(201);
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      const violations: string[] = [];
      page.on("console", (m) => {
        if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
      });
      await page.goto(server.url);
      await page.waitForSelector("#f-object option"); // the page's own modules ran under the policy
      await page.click("#tab-missions");
      await page.waitForSelector("#panel-missions li[data-id] .name");
      expect(await page.textContent("#panel-missions li[data-id] .name")).toBe(NAME);
      // The overview marker's tooltip (Leaflet puts tooltip content in as HTML).
      // A mouseover event opens it wherever the marker is (the map may still be fitting its bounds).
      await page.locator(".leaflet-interactive").first().dispatchEvent("mouseover");
      await page.waitForSelector(".leaflet-tooltip");
      expect(await page.textContent(".leaflet-tooltip")).toContain(NAME);
      expect(await page.locator(".leaflet-tooltip img, .leaflet-tooltip b").count()).toBe(0);
      // HTML that did reach the DOM could still not run inline script: the policy blocks the handler.
      await page.evaluate(() => {
        const d = document.createElement("div");
        d.innerHTML = '<img src="data:," onerror="window.__xss=2">';
        document.body.append(d);
      });
      // The browser reports the blocked handler; by then it would have run.
      await expect.poll(() => violations.length, { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      await page.close();
    },
    60_000,
  );
});
