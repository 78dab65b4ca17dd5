// Issue 16 item 2, the quick start on a fresh machine: `npm ci` (whose prepare script builds dist/) and then
// `npm start`, with nothing in the environment but PATH and HOME (no DATABASE_URL, REDIS_URL, FORCING_DIR or
// GSHHG_FILE) and a new data directory: the page, API and worker come up on the embedded services and the
// bundled demo forcing, and a mission started from the page at the demo area (the form's defaults but the
// position) runs to its results. The real chromium; skipped, and listed, without it.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { have } from "../helpers/needs.js";
import { launchChromium, openPage } from "./browser.js";

const CHROMIUM = await have(
  "test/web/fresh-start.test.ts: npm start and a mission from the page",
  "chromium",
);
const ROOT = path.resolve(import.meta.dirname, "../..");
const ARTIFACTS = path.join(ROOT, "test-artifacts");
const run = promisify(execFile);

let dataDir: string;
let server: ChildProcess | undefined;
let output = "";
let browser: Browser | undefined;

/** `npm start` on a free port; resolves with the URL it prints once it is up. */
function npmStart(): Promise<string> {
  const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? os.homedir(), TMPDIR: os.tmpdir() };
  // Its own process group, so that npm and the node it starts are stopped together.
  server = spawn("npm", ["start", "--", "--port", "0", "--data-dir", dataDir], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const url = /Driftline is running: (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve(url);
    };
    server?.stdout?.on("data", seen);
    server?.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    server?.once("exit", (code) => reject(new Error(`npm start exited with ${code}: ${output}`)));
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "driftline-fresh-start-"));
  // What `npm ci` does on a fresh machine (prepare): dist/ from the sources, which `npm start` runs.
  await run("npm", ["run", "build"], { cwd: ROOT, maxBuffer: 16 << 20 });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  if (server?.pid && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.once("exit", resolve));
    process.kill(-server.pid, "SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    if (server.exitCode === null) process.kill(-server.pid, "SIGKILL");
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe.runIf(CHROMIUM)("npm start on a fresh machine", () => {
  it("serves the page, and a mission from the page at the demo area completes", async () => {
    const url = await npmStart();
    expect(output).toContain(`forcing        ${path.join(ROOT, "data-bundled", "forcing")}`);
    expect(output).toMatch(/database {7}embedded PostgreSQL \(PGlite\)/);
    expect(output).toMatch(/queue {10}durable queue in the database/);

    browser = await launchChromium();
    const errors: string[] = [];
    const page = await openPage(browser, url, errors);
    await page.click("#tab-new");
    await page.fill("#f-name", "fresh machine: PIW off Andøya");
    await page.fill("#f-lat", "69.3");
    await page.fill("#f-lon", "15.9");
    await page.click("#submit");
    try {
      await page.waitForSelector(
        `[data-testid=results]:has-text("fresh machine: PIW off Andøya"), [data-testid=results-error], [data-testid=status-box] .badge.failed`,
        { timeout: 400_000 },
      );
    } finally {
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, "web-fresh-start.png") });
    }
    expect(await page.locator("[data-testid=results-error]").count()).toBe(0);
    expect(await page.locator("[data-testid=status-box] .badge.failed").count()).toBe(0);
    expect(Number(await page.textContent("[data-testid=afloat]"))).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  }, 900_000);
});
