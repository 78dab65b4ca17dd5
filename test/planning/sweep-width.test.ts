import { describe, expect, it } from "vitest";
import {
  searchObjectOfCategory,
  speedFactor,
  sweepWidth,
  uncorrectedSweepWidthNm,
  weatherFactor,
} from "../../src/planning/sweep-width.js";

describe("sweep widths (IAMSAR Vol. II App. N tables)", () => {
  it("reads the tables and interpolates visibility and altitude", () => {
    expect(uncorrectedSweepWidthNm("Raft 4 person", "vessel", 10)).toBe(4.0);
    expect(uncorrectedSweepWidthNm("Raft 4 person", "vessel", 10, 8)).toBe(3.1);
    expect(uncorrectedSweepWidthNm("Person in water", "helicopter", 10, 500)).toBe(0.1);
    expect(uncorrectedSweepWidthNm("Raft 6 person", "helicopter", 7.5, 500)).toBeCloseTo(2.3, 10);
    expect(uncorrectedSweepWidthNm("Raft 4 person", "fixed-wing", 10, 750)).toBeCloseTo(1.8, 10);
    // Clamped beyond the last column.
    expect(uncorrectedSweepWidthNm("Raft 4 person", "vessel", 40)).toBe(5.0);
  });

  it("applies weather, speed and fatigue corrections", () => {
    expect(weatherFactor("Raft 4 person", 20, 2)).toBe(0.5);
    expect(weatherFactor("Ship 120 ft", 30, 2)).toBe(0.9);
    expect(weatherFactor("Power boat 33 ft", 20, 2)).toBe(0.9);
    expect(weatherFactor("Person in water", 10, 6)).toBe(0.25);
    expect(speedFactor("Person in water", "helicopter", 60)).toBe(1.5);
    expect(speedFactor("Raft 4 person", "fixed-wing", 210)).toBe(0.9);
    expect(speedFactor("Raft 4 person", "vessel", 30)).toBe(1);
    const sw = sweepWidth(
      { name: "Heli", platform: "helicopter", speed_kn: 90, on_scene_hours: 2, altitude_ft: 500 },
      "Raft 4 person",
      { visibility_nm: 10, wind_kn: 18, sea_ft: 2, fatigue: true },
    );
    expect(sw.nm).toBeCloseTo(2.2 * 0.5 * 1.0 * 0.9, 10);
    const override = sweepWidth(
      { name: "V", platform: "vessel", speed_kn: 10, on_scene_hours: 2, sweep_width_nm: 1.7 },
      "Raft 4 person",
      { visibility_nm: 10, wind_kn: 18, sea_ft: 2 },
    );
    expect(override.nm).toBe(1.7);
  });

  it("maps Leeway categories to search-object classes", () => {
    expect(searchObjectOfCategory(1)).toBe("Person in water");
    expect(searchObjectOfCategory(8)).toBe("Raft 4 person");
    expect(searchObjectOfCategory(15)).toBe("Raft 15 person");
    expect(searchObjectOfCategory(57)).toBe("Sail boat 30 ft");
    expect(searchObjectOfCategory(56)).toBe("Ship 120 ft");
  });
});
