// `driftline simulate`'s final line says what a release on land moved and how far (issue 19).
import { describe, expect, it } from "vitest";
import { releaseOnLandText } from "../../src/cli/simulate.js";

describe("the summary line of a release on land", () => {
  it("names how many particles were moved to the nearest sea point and how far", () => {
    expect(releaseOnLandText({ moved: 1000, maxDistanceM: 3612.4 })).toBe(
      "; 1000 released on land, moved to the nearest sea point (up to 3,612 m)",
    );
  });
  it("says nothing when the release was at sea", () => {
    expect(releaseOnLandText(undefined)).toBe("");
    expect(releaseOnLandText({ moved: 0, maxDistanceM: 0 })).toBe("");
  });
});
