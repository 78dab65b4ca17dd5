// The new-mission form's basics filled in, for page tests (useMissionPage in mission-page.ts gives the page).
import type { Page } from "playwright-core";

/** The form's required fields and on-scene wind and current (a life raft off Utsira unless told otherwise). */
export async function fillMission(
  page: Page,
  m: { name: string; hours?: number; particles?: number; time?: string },
): Promise<void> {
  const fields: [string, string][] = [
    ["#f-name", m.name],
    ["#f-lat", "59°18.0'N"],
    ["#f-lon", "004°36.0'E"],
    ["#f-time", m.time ?? "2024-03-01 06:00"],
    ["#f-hours", String(m.hours ?? 3)],
    ["#f-particles", String(m.particles ?? 200)],
    ["#f-object-search", "life raft"],
  ];
  for (const [selector, value] of fields) await page.fill(selector, value);
  await page.selectOption("#f-object", "7");
  await page.click("#on-scene summary");
  const onScene: [string, string][] = [
    ["#f-wind-speed", "10"],
    ["#f-wind-dir", "225"],
    ["#f-current-speed", "0.2"],
    ["#f-current-dir", "30"],
  ];
  for (const [selector, value] of onScene) await page.fill(selector, value);
}
