// Positions as text (the page's twin, web/src/coords.js, is compared in test/web/coords.test.ts).
import { describe, expect, it } from "vitest";
import {
  formatDegreesMinutes,
  formatPositionDecimal,
  formatPositionDM,
  normaliseLon,
  wrapLon,
} from "../../src/products/coordinates.js";

describe("coordinates", () => {
  it("formats degrees and minutes, rounding into the next degree", () => {
    expect(formatDegreesMinutes(60, "lat")).toBe("60°00.00'N");
    expect(formatDegreesMinutes(59.9999999, "lat")).toBe("60°00.00'N");
    expect(formatDegreesMinutes(-33.5125, "lat")).toBe("33°30.75'S");
    expect(formatDegreesMinutes(4.7, "lon")).toBe("004°42.00'E");
    expect(formatDegreesMinutes(-3.5, "lon")).toBe("003°30.00'W");
    expect(formatDegreesMinutes(358, "lon")).toBe("002°00.00'W");
    expect(formatPositionDM(4.7, 60)).toBe("60°00.00'N 004°42.00'E");
  });

  it("takes the minute decimals asked for (CSV 3, report tables 1, whole minutes 0)", () => {
    expect(formatDegreesMinutes(60.08538333, "lat", 3)).toBe("60°05.123'N");
    expect(formatDegreesMinutes(-70.99999999, "lon", 3)).toBe("071°00.000'W");
    expect(formatDegreesMinutes(60.0917, "lat", 1)).toBe("60°05.5'N");
    expect(formatDegreesMinutes(4.5, "lon", 0)).toBe("004°30'E");
    expect(formatPositionDM(-3.5, -33.5, 1)).toBe("33°30.0'S 003°30.0'W");
  });

  it("brings longitudes into range", () => {
    expect(wrapLon(190)).toBe(-170);
    expect(wrapLon(180)).toBe(-180);
    expect(normaliseLon(180)).toBe(180);
    expect(normaliseLon(-180)).toBe(-180);
    expect(normaliseLon(540)).toBe(180);
    expect(formatDegreesMinutes(180, "lon")).toBe("180°00.00'E");
    expect(formatPositionDecimal(363.2, 59.5)).toBe("59.50000, 3.20000");
  });
});
