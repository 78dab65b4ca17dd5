// Lists, after the run's summary, the tests skipped because this machine lacks a tool or a service, each
// with the one command that enables it (the skips are recorded by `have` in test/helpers/needs.ts).
import { existsSync, readFileSync, rmSync } from "node:fs";
import { NEEDS, type Need } from "./needs.js";

export default class SkipReporter {
  onTestRunEnd(): void {
    const file = process.env.DRIFTLINE_SKIP_REGISTRY;
    if (!file || !existsSync(file)) return;
    const byNeed = new Map<Need, Set<string>>();
    for (const line of readFileSync(file, "utf8").split("\n")) {
      if (!line) continue;
      const { need, test } = JSON.parse(line) as { need: Need; test: string };
      if (!byNeed.has(need)) byNeed.set(need, new Set());
      byNeed.get(need)!.add(test);
    }
    rmSync(file, { force: true });
    if (byNeed.size === 0) return;
    const lines = ["", "Skipped: this machine lacks what these tests need (CI=true fails instead)"];
    for (const [need, tests] of byNeed) {
      lines.push(`  ${NEEDS[need].what}`, `    enable: ${NEEDS[need].enable}`);
      for (const t of [...tests].sort()) lines.push(`    - ${t}`);
    }
    process.stdout.write(`${lines.join("\n")}\n\n`);
  }
}
