// Every bad spec is refused with a message that names the field and what is allowed.
import { describe, expect, it } from "vitest";
import { parseSimulationSpec, SpecError } from "../../src/pipeline/spec.js";

const good = () => ({
  name: "const",
  object_type: 1,
  start_time: "2016-02-01T12:00:00Z",
  duration_hours: 24,
  time_step_seconds: 600,
  output_step_seconds: 3600,
  seed: { lon: 3.0, lat: 60.0, time: "2016-02-01T12:00:00Z", radius_m: 0, number: 1000 },
  forcing: { wind: { constant: { x: 0, y: -10 } }, current: { constant: { x: 0.2, y: 0 } } },
});

type Mutation = (s: ReturnType<typeof good> & Record<string, unknown>) => void;

const BAD: [string, Mutation, RegExp][] = [
  ["latitude above 90", (s) => (s.seed.lat = 91), /seed\.lat: must be between -90 and 90/],
  ["latitude below -90", (s) => (s.seed.lat = -90.5), /seed\.lat/],
  ["longitude 360", (s) => (s.seed.lon = 360), /seed\.lon: must be in \[-180, 360\)/],
  ["longitude -181", (s) => (s.seed.lon = -181), /seed\.lon/],
  ["latitude as text", (s) => ((s.seed as Record<string, unknown>).lat = "60N"), /seed\.lat/],
  ["zero duration", (s) => (s.duration_hours = 0), /duration_hours: must not be zero/],
  ["duration over 720 h", (s) => (s.duration_hours = 721), /duration_hours: must be at most 720/],
  [
    "backward duration beyond 720 h",
    (s) => {
      s.duration_hours = -800;
      s.time_step_seconds = -600;
    },
    /duration_hours/,
  ],
  [
    "time step of 0.5 s",
    (s) => (s.time_step_seconds = 0.5),
    /time_step_seconds: must be between 1 s and 6 h/,
  ],
  ["time step over 6 h", (s) => (s.time_step_seconds = 7 * 3600), /time_step_seconds/],
  [
    "time step with the wrong sign",
    (s) => (s.time_step_seconds = -600),
    /time_step_seconds: must have the sign of duration_hours/,
  ],
  [
    "output step not a multiple",
    (s) => (s.output_step_seconds = 1000),
    /output_step_seconds: must be a multiple of the time step/,
  ],
  ["no particles", (s) => (s.seed.number = 0), /seed\.number: must be at least 1/],
  ["too many particles", (s) => (s.seed.number = 5_000_001), /seed\.number: must be at most 5,000,000/],
  ["fractional particles", (s) => (s.seed.number = 10.5), /seed\.number: must be a whole number/],
  [
    "unknown object id",
    (s) => (s.object_type = 86),
    /object_type: unknown object type 86.*driftline object-types/,
  ],
  [
    "unknown object name",
    (s) => ((s as Record<string, unknown>).object_type = "flying carpet"),
    /object_type: unknown object type/,
  ],
  [
    "start time not RFC 3339",
    (s) => (s.start_time = "01/02/2016 12:00"),
    /start_time: must be an RFC 3339 time/,
  ],
  ["impossible date", (s) => (s.start_time = "2016-02-31T12:00:00Z"), /start_time/],
  [
    "release time outside the run",
    (s) => (s.seed.time = "2016-03-01T12:00:00Z"),
    /seed\.time: must lie within the simulated period/,
  ],
  ["negative radius", (s) => (s.seed.radius_m = -5), /seed\.radius_m: must be ≥ 0/],
  [
    "unknown radius type",
    (s) => ((s.seed as Record<string, unknown>).radius_type = "square"),
    /seed\.radius_type: must be "gaussian" or "uniform"/,
  ],
  [
    "unknown coastline rule",
    (s) => (s.coastline = "bounce"),
    /coastline: must be "stranding", "previous" or "none"/,
  ],
  ["unknown field", (s) => (s.colour = "red"), /unknown field\(s\) colour/],
  ["missing forcing", (s) => delete (s as Record<string, unknown>).forcing, /forcing/],
  [
    "forcing without files",
    (s) => ((s.forcing as Record<string, unknown>).wind = { files: [] }),
    /forcing\.wind/,
  ],
  ["NaN wind", (s) => (s.forcing.wind.constant.x = Number.NaN), /forcing\.wind/],
  ["infinite latitude", (s) => (s.seed.lat = Number.POSITIVE_INFINITY), /seed\.lat/],
  ["jibe probability 1", (s) => (s.jibe_probability = 1), /jibe_probability: must be in \[0, 1\)/],
];

describe("simulation spec validation", () => {
  it("accepts the reference spec", () => {
    const { simulation, category } = parseSimulationSpec(good());
    expect(category.key).toBe("PIW-1");
    expect(simulation.timeStepSeconds).toBe(600);
    expect(simulation.release.number).toBe(1000);
  });

  it("applies the model document's defaults", () => {
    const s = good() as Record<string, unknown>;
    delete s.time_step_seconds;
    delete s.output_step_seconds;
    const { simulation } = parseSimulationSpec(s);
    expect(simulation.timeStepSeconds).toBe(600);
    expect(simulation.outputStepSeconds).toBe(3600);
    expect(simulation.jibeProbability).toBe(0.04);
    expect(simulation.coastline).toBe("stranding");
    expect(simulation.capsizing.enabled).toBe(false);
    expect(simulation.release.radiusType).toBe("gaussian");
  });

  it("defaults the step of a backward run to -600 s", () => {
    const s = good() as Record<string, unknown>;
    delete s.time_step_seconds;
    s.duration_hours = -12;
    expect(parseSimulationSpec(s).simulation.timeStepSeconds).toBe(-600);
  });

  it("accepts a line release over a time window and an object name", () => {
    const s = good() as Record<string, unknown>;
    s.object_type = "Fishing Vessel";
    s.seed = {
      lon: [4.5, 4.7],
      lat: [60.1, 60.0],
      time: ["2016-02-01T12:00:00Z", "2016-02-01T18:00:00Z"],
      number: 100,
    };
    const { simulation, category } = parseSimulationSpec(s);
    expect(category.id).toBe(50);
    expect(simulation.release.time[1] - simulation.release.time[0]).toBe(6 * 3600);
  });

  it.each(BAD)("refuses %s with a message naming the field", (_name, mutate, message) => {
    const s = good() as ReturnType<typeof good> & Record<string, unknown>;
    mutate(s);
    let error: unknown;
    try {
      parseSimulationSpec(s);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect((error as Error).message).toMatch(message);
  });
});
