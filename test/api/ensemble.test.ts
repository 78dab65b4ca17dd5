// The API takes a forcing ensemble (issue 21 item 5): forcingEnsemble in the mission body becomes the job's
// params.forcing, which the worker turns into a valid spec; bad file names and weights are a field-level 400.
import { describe, expect, it } from "vitest";
import { parseSimulationSpec } from "../../src/pipeline/spec.js";
import { jobFor } from "../../src/service/api/missions.js";
import { openApiDocument } from "../../src/service/api/openapi.js";
import { fieldErrors, MissionCreate } from "../../src/service/api/schemas.js";
import { parseEnvelope, resolveJob } from "../../src/service/job.js";
import { SMALL_MISSION } from "./helpers.js";

const ID = "0b7c3c52-5a3f-4f7e-9d55-1f2a3b4c5d6e";

describe("forcing ensembles through the API", () => {
  it("turns forcingEnsemble into the job's forcing and a valid spec, the on-scene value behind each member", () => {
    const body = MissionCreate.parse({
      ...SMALL_MISSION,
      forcingEnsemble: { files: ["norkyst.nc", "models/copernicus.nc"], weights: [2, 1] },
    });
    const job = jobFor(ID, body);
    const onScene = { constant: { x: 0.1, y: 0.2 } };
    expect(job.params.forcing).toEqual({
      current: {
        ensemble: [
          [{ files: ["norkyst.nc"] }, onScene],
          [{ files: ["models/copernicus.nc"] }, onScene],
        ],
        weights: [2, 1],
      },
    });
    const resolved = resolveJob(parseEnvelope(JSON.stringify(job)), null, {
      catalog: true,
      maxParticleSteps: 500_000_000,
    });
    const { spec } = parseSimulationSpec(resolved.spec);
    expect(spec.forcing.current).toEqual(
      job.params.forcing && (job.params.forcing as { current: unknown }).current,
    );
    // Wind stays the catalog with the on-scene value behind it.
    expect(spec.forcing.wind).toEqual([{ catalog: true }, { constant: expect.any(Object) }]);

    const wind = jobFor(
      ID,
      MissionCreate.parse({
        ...SMALL_MISSION,
        onSceneWind: undefined,
        forcingEnsemble: { variable: "wind", files: ["a.nc", "b.nc"] },
      }),
    );
    expect(wind.params.forcing).toEqual({ wind: { ensemble: [{ files: ["a.nc"] }, { files: ["b.nc"] }] } });
  });

  it("refuses bad members naming the field", () => {
    const bad = (forcingEnsemble: unknown) => {
      const r = MissionCreate.safeParse({ ...SMALL_MISSION, forcingEnsemble });
      expect(r.success).toBe(false);
      return r.success ? [] : fieldErrors(r.error).map((d) => d.field);
    };
    expect(bad({ files: ["../../etc/passwd", "b.nc"] })).toContain("forcingEnsemble.files.0");
    expect(bad({ files: ["a.nc"] })).toContain("forcingEnsemble.files");
    expect(bad({ files: ["a.nc", "b.nc"], weights: [1] })).toContain("forcingEnsemble.weights");
    expect(bad({ files: ["a.nc", "b.nc"], variable: "waves" })).toContain("forcingEnsemble.variable");
  });

  it("documents forcingEnsemble in the OpenAPI document", () => {
    const doc = openApiDocument("test") as {
      components: { schemas: { MissionCreate: { properties: Record<string, { description?: string }> } } };
    };
    const prop = doc.components.schemas.MissionCreate.properties.forcingEnsemble;
    expect(prop?.description).toMatch(/ensemble/);
  });
});
