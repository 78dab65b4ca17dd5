import { describe, expect, it } from "vitest";
import { SpecError } from "../../src/pipeline/spec.js";
import { parseUnitsFile, unitSetups } from "../../src/planning/units.js";

const T0 = Date.UTC(2016, 1, 1, 12) / 1000;
const run = { first: T0, last: T0 + 24 * 3600 };
const file = (units: unknown[], extra = {}) =>
  parseUnitsFile({ conditions: { visibility_nm: 10, wind_kn: 10, sea_ft: 2 }, units, ...extra });
const vessel = { name: "V", platform: "vessel", speed_kn: 10, on_scene_hours: 6 };

describe("units file", () => {
  it("defaults the window to the run's last hours, the longest on-scene time long", () => {
    const s = unitSetups(
      file([vessel, { ...vessel, name: "H", platform: "helicopter", on_scene_hours: 2 }]),
      8,
      run,
    );
    expect([s.from, s.to]).toEqual([T0 + 18 * 3600, T0 + 24 * 3600]);
    expect(s.setups[1].effort.end).toBe(T0 + 20 * 3600);
    expect(s.setups[0].effort.afloatOnly).toBe(true);
    expect(s.setups[1].effort.afloatOnly).toBe(false);
    expect(s.object).toBe("Raft 4 person");
  });

  it("starts a unit at its own later time, cut at the window's end", () => {
    const s = unitSetups(file([vessel, { ...vessel, name: "Late", start: "2016-02-02T10:00:00Z" }]), 8, run);
    expect(s.setups[1].effort.start).toBe(T0 + 22 * 3600);
    expect(s.setups[1].effort.end).toBe(T0 + 24 * 3600);
  });

  it("names the bad field", () => {
    expect(() => file([{ ...vessel, speed_kn: 0 }])).toThrow(/units\.0\.speed_kn: must be > 0/);
    expect(() => file([{ ...vessel, altitude: 500 }])).toThrow(/unknown field\(s\) altitude/);
    expect(() => file([vessel], { from: "2016-02-31T00:00:00Z" })).toThrow(/from: is not a valid date/);
    expect(() => unitSetups(file([vessel], { from: "2016-02-03T00:00:00Z" }), 8, run)).toThrow(SpecError);
    expect(() => unitSetups(file([{ ...vessel, start: "2016-02-03T00:00:00Z" }]), 8, run)).toThrow(
      /units\.0\.start: must be before the end of the search window/,
    );
  });
});
