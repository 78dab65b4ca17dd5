// The page's position parser: decimal degrees and degrees-minutes as coordinators type them.
import { describe, expect, it } from "vitest";
import {
  formatDegreesMinutes as productsFormat,
  formatPositionDM as productsPosition,
} from "../../src/products/coordinates.js";
import { formatDegreesMinutes, formatPosition, parseCoordinate } from "../../web/src/coords.js";

describe("parseCoordinate", () => {
  const good: [string, "lat" | "lon", number][] = [
    ["60.0917", "lat", 60.0917],
    ["-3.5", "lon", -3.5],
    ["60°05.5'N", "lat", 60 + 5.5 / 60],
    ["60 05.5 N", "lat", 60 + 5.5 / 60],
    ["N60 05.5", "lat", 60 + 5.5 / 60],
    ["004°30.2'E", "lon", 4 + 30.2 / 60],
    ["004°30.2'W", "lon", -(4 + 30.2 / 60)],
    ["60°05'30\"N", "lat", 60 + 5 / 60 + 30 / 3600],
    ["12,5S", "lat", -12.5],
    ["4.5E", "lon", 4.5],
    ["179 59.9 W", "lon", -(179 + 59.9 / 60)],
  ];
  it.each(good)("%s (%s) → %f", (text, axis, value) => {
    const r = parseCoordinate(text, axis);
    expect("value" in r && r.value).toBeCloseTo(value, 6);
  });

  const bad: [string, "lat" | "lon", RegExp][] = [
    ["", "lat", /required/],
    ["91", "lat", /between -90 and 90/],
    ["60°65'N", "lat", /minutes must be below 60/],
    ["60E", "lat", /N or S/],
    ["4N", "lon", /E or W/],
    ["-4W", "lon", /minus sign or a hemisphere/],
    ["sixty", "lat", /decimal degrees/],
    ["60.5 30", "lat", /whole/],
  ];
  it.each(bad)("rejects %j (%s)", (text, axis, message) => {
    const r = parseCoordinate(text, axis);
    expect("error" in r && r.error).toMatch(message);
  });
});

describe("formatting", () => {
  it("writes degrees and decimal minutes with hemispheres", () => {
    expect(formatDegreesMinutes(60 + 5.5 / 60, "lat")).toBe("60°05.50'N");
    expect(formatDegreesMinutes(-(4 + 30.2 / 60), "lon")).toBe("004°30.20'W");
    expect(formatDegreesMinutes(59.99999, "lat")).toBe("60°00.00'N");
    expect(formatPosition(-33.5, 151.25)).toBe("33°30.00'S 151°15.00'E");
  });
});

describe("one degrees-minutes formatter", () => {
  it("gives the page the same strings as the products and the CLI", () => {
    const values = [
      0,
      -0,
      1e-9,
      -1e-9,
      59.99999,
      59.999999999,
      -33.5125,
      60 + 5.5 / 60,
      4.7,
      -3.5,
      358,
      180,
      -180,
      179.999999,
      -179.9999999,
      90,
      -90,
      68.9,
      14,
      0.5 / 60,
      0.005 / 60,
      0.0049999 / 60,
    ];
    let s = 7;
    for (let m = 0; m < 5000; m++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      values.push((s / 2147483648) * 360 - 180);
      // Values on a rounding edge of the minutes (x.xx5').
      values.push(Math.floor(((s % 100000) / 100000) * 90 * 6000) / 6000 + 0.5 / 6000);
    }
    for (const v of values) {
      for (const axis of ["lat", "lon"] as const) {
        if (axis === "lat" && Math.abs(v) > 90) continue;
        for (const decimals of [0, 1, 2, 3]) {
          expect(formatDegreesMinutes(v, axis, decimals), `${v} ${axis} ${decimals}`).toBe(
            productsFormat(v, axis, decimals),
          );
        }
      }
      if (Math.abs(v) <= 90) expect(formatPosition(v, v / 2)).toBe(productsPosition(v / 2, v));
    }
  });
});
