// A mission of two weighted scenarios (a life raft, or the person who left it later and farther east) on
// constant forcing: small and quick, for the pipeline, API and page tests.
import { readFileSync } from "node:fs";
import { SCENARIO_DIR } from "./reference.js";

/** 2,000 particles, 12 h, no coast: 0.6 LIFE-RAFT-DB-10 at 60°N 3°E, 0.4 PIW-1 released 13–15 h nearby. */
export function twoScenarioSpec(): Record<string, unknown> {
  const spec = JSON.parse(readFileSync(`${SCENARIO_DIR}const.json`, "utf8"));
  spec.name = "raft or person";
  spec.duration_hours = 12;
  spec.coastline = "none";
  spec.seed = { number: 2000 };
  spec.scenarios = [
    {
      name: "life raft",
      weight: 0.6,
      object_type: "LIFE-RAFT-DB-10",
      release: { lon: 3.0, lat: 60.0, radius_m: 2000 },
    },
    {
      name: "person left the raft",
      weight: 0.4,
      object_type: "PIW-1",
      release: {
        lon: 3.2,
        lat: 60.05,
        radius_m: 1000,
        time: ["2016-02-01T13:00:00Z", "2016-02-01T15:00:00Z"],
      },
    },
  ];
  return spec;
}
