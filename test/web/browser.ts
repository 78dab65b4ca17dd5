// Debian's chromium, headless and offline, for the page tests (playwright-core drives it).
import { type Browser, chromium, type Page } from "playwright-core";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/** Nothing but the Driftline server (and data: URLs) may be asked for anything. */
export async function offline(page: Page, serverUrl: string): Promise<void> {
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(serverUrl) || url.startsWith("data:")) return route.continue();
    return route.abort();
  });
}

/** A new page on the Driftline server, offline, its errors collected, once the form is ready. */
export async function openPage(
  browser: Browser,
  serverUrl: string,
  pageErrors: string[],
  viewport = { width: 1400, height: 860 },
): Promise<Page> {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await offline(page, serverUrl);
  await page.goto(serverUrl);
  await page.waitForSelector("#f-object option");
  return page;
}
