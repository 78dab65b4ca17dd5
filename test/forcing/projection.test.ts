// Projections: closed forms against proj4js, CF grid_mapping parsing (as pyproj.CRS.from_cf), and the
// closed-form vector rotation against OpenDrift's numeric method.
import proj4 from "proj4";
import { describe, expect, it } from "vitest";
import { projectionFromCF, projectionFromProj4 } from "../../src/forcing/grid-mapping.js";
import { gridNorthAzimuth, makeProjector, ProjectionError } from "../../src/forcing/projection.js";
import type { NcAttribute } from "../../src/io/netcdf/types.js";

function attrs(o: Record<string, string | number | number[]>): Map<string, NcAttribute> {
  return new Map(
    Object.entries(o).map(([name, v]) => [
      name,
      {
        name,
        type: typeof v === "string" ? "char" : "double",
        value: typeof v === "string" ? v : Array.isArray(v) ? v : [v],
      },
    ]),
  );
}

const DEFS = [
  "+proj=stere +a=6371000 +b=6371000 +lat_0=90 +lat_ts=60 +lon_0=58",
  "+proj=stere +lat_0=90 +lat_ts=60 +lon_0=58 +ellps=WGS84",
  "+proj=stere +lat_0=-90 +lat_ts=-71 +lon_0=0 +ellps=WGS84 +x_0=1000 +y_0=-500",
  "+proj=stere +lat_0=90 +lon_0=-45 +k_0=0.994 +ellps=WGS84",
  "+proj=lcc +lon_0=15 +lat_0=63 +lat_1=63 +lat_2=63 +R=6371000",
  "+proj=lcc +lon_0=-95 +lat_0=25 +lat_1=25 +lat_2=45 +ellps=WGS84 +x_0=100 +y_0=20",
  "+proj=lcc +lon_0=150 +lat_0=-30 +lat_1=-20 +lat_2=-40 +ellps=WGS84",
  "+proj=merc +lon_0=10 +lat_ts=30 +ellps=WGS84",
  "+proj=merc +lon_0=10 +k_0=0.99 +R=6371000",
];

describe("closed-form projections", () => {
  it.each(DEFS.filter((d) => d.includes("stere")))(
    "%s: forwardPositions (carried sines and cosines, one pass) equals forward() and rotation()",
    (def) => {
      const p = makeProjector(projectionFromProj4(def));
      expect(p.forwardPositions).toBeDefined();
      const south = def.includes("lat_0=-");
      const pts = [
        [14, 68.9],
        [5, 60],
        [-100, 40],
        [160, 35],
        [-170, 88],
      ].map(([lon, lat]) => [lon, south ? -lat : lat]);
      const n = pts.length;
      const f = () => new Float64Array(n);
      const pos = { lon: f(), lat: f(), sinLat: f(), cosLat: f(), sinLon: f(), cosLon: f() };
      pts.forEach(([lon, lat], i) => {
        pos.lon[i] = lon;
        pos.lat[i] = lat;
        pos.sinLat[i] = Math.sin((lat * Math.PI) / 180);
        pos.cosLat[i] = Math.cos((lat * Math.PI) / 180);
        pos.sinLon[i] = Math.sin((lon * Math.PI) / 180);
        pos.cosLon[i] = Math.cos((lon * Math.PI) / 180);
      });
      const need = new Uint8Array(n).fill(1);
      need[2] = 0; // not needed: left alone
      const [x, y, cos, sin] = [f(), f(), f(), f()];
      p.forwardPositions!(pos, n, need, x, y, cos, sin);
      const out = new Float64Array(2);
      for (let i = 0; i < n; i++) {
        if (i === 2) {
          expect([x[i], y[i], cos[i], sin[i]]).toEqual([0, 0, 0, 0]);
          continue;
        }
        p.forward(pos.lon[i], pos.lat[i], out);
        expect(Math.hypot(x[i] - out[0], y[i] - out[1])).toBeLessThan(1e-6);
        p.rotation(pos.lon[i], pos.lat[i], out[0], out[1], out);
        expect(cos[i]).toBeCloseTo(out[0], 12);
        expect(sin[i]).toBeCloseTo(out[1], 12);
      }
    },
  );

  it.each(DEFS)("%s matches proj4js and inverts", (def) => {
    const p = makeProjector(projectionFromProj4(def));
    const ref = proj4(def);
    const out = new Float64Array(2);
    const south = def.includes("lat_0=-");
    for (const [lon, lat0] of [
      [14, 68.9],
      [5, 60],
      [20, 75],
      [-100, 40],
      [160, 35],
      [-170, 50],
    ]) {
      const lat = south ? -lat0 : lat0;
      p.forward(lon, lat, out);
      const [x, y] = ref.forward([lon, lat]);
      expect(Math.hypot(out[0] - x, out[1] - y)).toBeLessThan(1e-4);
      p.inverse(out[0], out[1], out);
      expect(out[0]).toBeCloseTo(lon, 9);
      expect(out[1]).toBeCloseTo(lat, 9);
    }
  });

  it("rotated pole: the rotated origin and the geographic pole", () => {
    const p = makeProjector(
      projectionFromProj4("+proj=ob_tran +o_proj=longlat +o_lat_p=39.25 +o_lon_p=0 +lon_0=18 +R=6371000"),
    );
    const out = new Float64Array(2);
    p.forward(18, 50.75, out);
    expect(out[0]).toBeCloseTo(0, 10);
    expect(out[1]).toBeCloseTo(0, 10);
    p.forward(0, 90, out);
    expect(out[1]).toBeCloseTo(39.25, 10);
    p.forward(25.3, 61.2, out);
    const back = new Float64Array(2);
    p.inverse(out[0], out[1], back);
    expect(back[0]).toBeCloseTo(25.3, 10);
    expect(back[1]).toBeCloseTo(61.2, 10);
    const ref = proj4("+proj=ob_tran +o_proj=longlat +o_lat_p=39.25 +o_lon_p=0 +lon_0=18 +R=6371000").forward(
      [25.3, 61.2],
    );
    expect(out[0]).toBeCloseTo(ref[0], 8);
    expect(out[1]).toBeCloseTo(ref[1], 8);
  });
});

describe("CF grid_mapping", () => {
  it("polar_stereographic without earth shape is on WGS84 (pyproj from_cf, OpenDrift 1.14)", () => {
    const s = projectionFromCF(
      attrs({
        grid_mapping_name: "polar_stereographic",
        proj4_string: "+proj=stere +a=6371000 +b=6371000 +lat_0=90 +lat_ts=60 +lon_0=58",
        straight_vertical_longitude_from_pole: 58,
        latitude_of_projection_origin: 90,
        longitude_of_projection_origin: -58,
        standard_parallel: 60,
        false_easting: 0,
        false_northing: 0,
      }),
    );
    expect(s).toMatchObject({ kind: "stere", a: 6378137, lat0: 90, lon0: 58, latTs: 60 });
    expect(s.es).toBeCloseTo(0.00669438, 8);
  });

  it("reads earth shapes, LCC with one or two parallels, Mercator and rotated pole", () => {
    expect(
      projectionFromCF(
        attrs({
          grid_mapping_name: "lambert_conformal_conic",
          standard_parallel: [63, 63],
          longitude_of_central_meridian: 15,
          latitude_of_projection_origin: 63,
          earth_radius: 6371000,
        }),
      ),
    ).toMatchObject({
      kind: "lcc",
      a: 6371000,
      es: 0,
      lat1: 63,
      lat2: 63,
      lat0: 63,
      lon0: 15,
    });
    expect(
      projectionFromCF(
        attrs({
          grid_mapping_name: "lambert_conformal_conic",
          standard_parallel: 25,
          longitude_of_central_meridian: -95,
          latitude_of_projection_origin: 10,
          semi_major_axis: 6378137,
          inverse_flattening: 298.257222101,
        }),
      ),
    ).toMatchObject({
      lat0: 25,
      lat1: 25,
      lat2: 25,
    });
    expect(
      projectionFromCF(
        attrs({
          grid_mapping_name: "mercator",
          longitude_of_projection_origin: 0,
          standard_parallel: 45,
          semi_major_axis: 6371229,
          semi_minor_axis: 6371229,
        }),
      ),
    ).toMatchObject({
      kind: "merc",
      latTs: 45,
      a: 6371229,
      es: 0,
    });
    expect(
      projectionFromCF(
        attrs({
          grid_mapping_name: "rotated_latitude_longitude",
          grid_north_pole_latitude: 39.25,
          grid_north_pole_longitude: -162,
        }),
      ),
    ).toMatchObject({
      kind: "rotated",
      poleLat: 39.25,
      poleLon: -162,
    });
    expect(
      projectionFromCF(
        attrs({
          grid_mapping_name: "transverse_mercator",
          longitude_of_central_meridian: 9,
          latitude_of_projection_origin: 0,
          scale_factor_at_central_meridian: 0.9996,
          false_easting: 500000,
        }),
      ).kind,
    ).toBe("proj4");
    expect(() =>
      projectionFromCF(
        attrs({
          grid_mapping_name: "polar_stereographic",
          latitude_of_projection_origin: 60,
          straight_vertical_longitude_from_pole: 0,
        }),
      ),
    ).toThrow(ProjectionError);
    expect(() => projectionFromCF(attrs({ grid_mapping_name: "sinusoidal_wobble" }))).toThrow(
      /not supported/,
    );
  });
});

describe("vector rotation", () => {
  it("closed forms equal OpenDrift's numeric azimuth (positions of (x, y) and (x, y + 10 m))", () => {
    for (const def of [
      ...DEFS,
      "+proj=ob_tran +o_proj=longlat +o_lat_p=39.25 +o_lon_p=0 +lon_0=18 +R=6371000",
    ]) {
      const p = makeProjector(projectionFromProj4(def));
      const xy = new Float64Array(2);
      const rot = new Float64Array(2);
      const south = def.includes("lat_0=-");
      for (const [lon, lat0] of [
        [14, 68.9],
        [5, 60],
        [40, 75],
        [-100, 40],
      ]) {
        const lat = south ? -lat0 : lat0;
        p.forward(lon, lat, xy);
        const [x, y] = [xy[0], xy[1]];
        p.rotation(lon, lat, x, y, rot);
        const az = gridNorthAzimuth(p, x, y, new Float64Array(2));
        // OpenDrift's forward difference over 10 m is itself off by ~10 m / ρ; the closed form is exact.
        expect(Math.abs(Math.atan2(rot[1], rot[0]) - az)).toBeLessThan(1e-5);
        expect(Math.hypot(rot[0], rot[1])).toBeCloseTo(1, 12);
      }
    }
  });
});
