// The OpenAPI 3.1 document of the API (request schemas generated from the zod schemas) and a static HTML
// rendering of it for /api/docs: no CDN, no script.
import { z } from "zod";
import { unitsFileSchema } from "../../planning/units.js";
import { SearchBody } from "./planning.js";
import { DOWNLOAD_FORMATS, ListQuery, MissionCreate } from "./schemas.js";
import { CorrectionBody, ValidationBody } from "./validation.js";

type Json = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const dataOf = (schema: Json) => ({
  type: "object",
  properties: { data: schema },
  required: ["data"],
});
const json = (schema: Json, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
const errorResponse = (description: string) => json(ref("Error"), description);
const idParam = {
  name: "id",
  in: "path",
  required: true,
  description: "Mission id",
  schema: { type: "string", format: "uuid" },
};
/** The `file` query parameter of a download: which of the resource's files. */
const fileParam = (schema: Json) => ({ name: "file", in: "query", required: true, schema });
/** A path parameter naming a sub-resource by its uuid (planId, vid). */
const uuidParam = (name: string) => ({
  name,
  in: "path",
  required: true,
  schema: { type: "string", format: "uuid" },
});

const numbers = (description: string): Json => ({ type: "array", items: { type: "number" }, description });
const HEALTH_SCHEMA: Json = {
  type: "object",
  properties: {
    status: { type: "string", enum: ["healthy", "unhealthy"] },
    version: { type: "string" },
    mode: { type: ["string", "null"] },
    queue: { type: "object", description: "waiting, processing and dead jobs" },
    error: { type: "string" },
  },
  required: ["status"],
};
const statusTally = (what: string): Json => ({
  type: "array",
  description: `${what}, per output time`,
  items: {
    type: "object",
    properties: Object.fromEntries(
      ["active", "stranded", "missingData", "outsideDomain"].map((k) => [k, { type: "number" }]),
    ),
    required: ["active", "stranded", "missingData", "outsideDomain"],
  },
});
const perTimeAndParticle = (items: Json, what: string): Json => ({
  type: "array",
  description: `[time][particle] ${what}`,
  items: { type: "array", items },
});
const PARTICLE_CLOUD_SCHEMA: Json = {
  type: "object",
  properties: {
    times: { type: "array", items: { type: "number" }, description: "output times, Unix seconds" },
    particleCount: { type: "integer", description: "particles in particles.nc" },
    sampleCount: { type: "integer", description: "particles in this sample (at most max)" },
    lon: perTimeAndParticle(
      { type: ["number", "null"] },
      "longitude; null before release or without position",
    ),
    lat: perTimeAndParticle(
      { type: ["number", "null"] },
      "latitude; null before release or without position",
    ),
    status: perTimeAndParticle(
      { type: "integer", minimum: -1, maximum: 3 },
      "0 active, 1 stranded, 2 missing data, 3 outside domain, -1 not released; a stranded particle keeps its " +
        "last position",
    ),
    counts: statusTally("Particles by status over every particle (summary.json's counts)"),
    shares: statusTally("Share of the total weight by status over every particle (summary.json's shares)"),
    weight: { type: "array", items: { type: "number" }, description: "[particle] relative weight" },
  },
  required: ["times", "particleCount", "sampleCount", "lon", "lat", "status", "counts", "shares", "weight"],
};

const MISSION_SCHEMA: Json = {
  type: "object",
  properties: {
    id: { type: "string", format: "uuid" },
    name: { type: "string" },
    description: { type: ["string", "null"] },
    lastKnownLat: { type: "number", description: "degrees north" },
    lastKnownLon: { type: "number", description: "degrees east" },
    lastKnownTime: { type: "string", format: "date-time" },
    objectType: { type: "string", description: "as given by the client" },
    objectCategory: {
      type: ["object", "null"],
      properties: { id: { type: "integer" }, key: { type: "string" }, description: { type: "string" } },
    },
    uncertaintyRadiusM: { type: ["number", "null"], description: "m" },
    forecastHours: { type: "integer", description: "hours" },
    particleCount: { type: "integer", description: "particles" },
    ensembleSize: { type: "integer", description: "particles (old name of particleCount)" },
    backtracking: { type: "boolean" },
    config: { type: "object", description: "extensions as stored (on-scene wind/current, release …)" },
    status: { type: "string", enum: ["created", "queued", "processing", "completed", "failed"] },
    progress: { type: ["number", "null"], description: "0..1" },
    progressMessage: { type: ["string", "null"], description: "what the worker is doing" },
    errorMessage: { type: ["string", "null"] },
    jobId: { type: ["string", "null"], format: "uuid" },
    createdAt: { type: "string", format: "date-time" },
    updatedAt: { type: ["string", "null"], format: "date-time" },
    startedAt: { type: ["string", "null"], format: "date-time" },
    completedAt: { type: ["string", "null"], format: "date-time" },
  },
};

const STATUS_SCHEMA: Json = {
  type: "object",
  properties: {
    id: { type: "string", format: "uuid" },
    status: MISSION_SCHEMA.properties && (MISSION_SCHEMA.properties as Json).status,
    progress: { type: "number", description: "0..1" },
    progressMessage: { type: ["string", "null"], description: "what the worker is doing" },
    errorMessage: { type: ["string", "null"] },
    updatedAt: { type: ["string", "null"], format: "date-time" },
    startedAt: { type: ["string", "null"], format: "date-time" },
    completedAt: { type: ["string", "null"], format: "date-time" },
  },
};

const GEOMETRY = { type: ["object", "null"], description: "GeoJSON Polygon or MultiPolygon" };
const RESULT_SCHEMA: Json = {
  type: "object",
  properties: {
    missionId: { type: "string", format: "uuid" },
    centroidLat: { type: "number" },
    centroidLon: { type: "number" },
    centroidTime: { type: "string", format: "date-time" },
    searchArea50Geom: GEOMETRY,
    searchArea90Geom: GEOMETRY,
    searchArea95Geom: GEOMETRY,
    netcdfPath: { type: "string" },
    geojsonPath: { type: "string" },
    heatmapPath: { type: "string" },
    pdfReportPath: { type: "string" },
    particleCount: { type: "integer" },
    strandedCount: { type: "integer" },
    computationTimeSeconds: { type: "number" },
    timestepContours: {
      type: "array",
      items: {
        type: "object",
        properties: {
          timeIndex: { type: "integer" },
          timestamp: { type: "string", format: "date-time" },
          hoursElapsed: { type: "number" },
          centroidLat: { type: "number" },
          centroidLon: { type: "number" },
          searchArea50Geom: GEOMETRY,
          searchArea90Geom: GEOMETRY,
        },
      },
    },
    downloads: {
      type: "array",
      items: {
        type: "object",
        properties: {
          format: { type: "string" },
          label: { type: "string" },
          file: { type: "string" },
          url: { type: "string" },
        },
      },
    },
  },
};

function inputSchema(schema: z.ZodType): Json {
  const s = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Json;
  delete s.$schema;
  return s;
}

export function openApiDocument(version: string): Json {
  const listParams = Object.entries((inputSchema(ListQuery).properties ?? {}) as Record<string, Json>).map(
    ([name, schema]) => ({ name, in: "query", required: false, schema }),
  );
  const formats = Object.keys(DOWNLOAD_FORMATS);
  return {
    openapi: "3.1.0",
    info: {
      title: "Driftline API",
      version,
      description:
        "Search-and-rescue drift forecasts (Leeway method). JSON in camelCase; success bodies are " +
        '`{"data": …}`, errors `{"error": "…", "details": [{"field", "message"}]}`, lists ' +
        '`{"data", "total", "page", "perPage"}`. Authenticate with `Authorization: Bearer <API key>` ' +
        "(an embedded server bound to localhost may run open).",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "API key from `driftline apikey create`" },
      },
      schemas: {
        MissionCreate: inputSchema(MissionCreate),
        Mission: MISSION_SCHEMA,
        ParticleCloud: PARTICLE_CLOUD_SCHEMA,
        MissionStatus: STATUS_SCHEMA,
        MissionResult: RESULT_SCHEMA,
        UnitsFile: inputSchema(unitsFileSchema),
        SearchCreate: inputSchema(SearchBody),
        ValidationCreate: inputSchema(ValidationBody),
        CorrectionCreate: inputSchema(CorrectionBody),
        Error: {
          type: "object",
          properties: {
            error: { type: "string" },
            details: {
              type: "array",
              items: {
                type: "object",
                properties: { field: { type: "string" }, message: { type: "string" } },
              },
            },
          },
          required: ["error"],
        },
      },
    },
    paths: {
      "/api/v1/missions": {
        post: {
          summary: "Create a mission",
          description: "Stores the mission as `created`, enqueues its drift job and returns it as `queued`.",
          requestBody: { required: true, content: { "application/json": { schema: ref("MissionCreate") } } },
          responses: {
            201: json(dataOf(ref("Mission")), "Created and queued"),
            400: errorResponse("Invalid body; `details` names each field"),
            401: errorResponse("Missing or unknown API key"),
            413: errorResponse("Body larger than 1 MB"),
            503: errorResponse("Job queue unavailable"),
          },
        },
        get: {
          summary: "List your missions, newest first",
          description:
            "Only the missions of the API key's user. An embedded server running open on localhost lists every mission on the machine (including those enqueued with `driftline enqueue`).",
          parameters: listParams,
          responses: {
            200: json(
              {
                type: "object",
                properties: {
                  data: { type: "array", items: ref("Mission") },
                  total: { type: "integer" },
                  page: { type: "integer" },
                  perPage: { type: "integer" },
                },
              },
              "One page of missions",
            ),
            400: errorResponse("Invalid query"),
          },
        },
      },
      "/api/v1/missions/{id}": {
        get: {
          summary: "Get a mission",
          parameters: [idParam],
          responses: {
            200: json(dataOf(ref("Mission")), "The mission"),
            400: errorResponse("Not a UUID"),
            404: errorResponse("No such mission"),
          },
        },
        delete: {
          summary: "Delete a mission, its results and its stored products",
          parameters: [idParam],
          responses: {
            200: json(dataOf({ type: "object" }), "Deleted"),
            404: errorResponse("No such mission"),
          },
        },
      },
      "/api/v1/missions/{id}/status": {
        get: {
          summary: "Status and progress",
          parameters: [idParam],
          responses: {
            200: json(dataOf(ref("MissionStatus")), "Status"),
            404: errorResponse("No such mission"),
          },
        },
      },
      "/api/v1/missions/{id}/events": {
        get: {
          summary: "Live status and progress (Server-Sent Events)",
          description:
            "`event: status` with a MissionStatus JSON whenever it changes; the stream ends when the mission completes or fails.",
          parameters: [idParam],
          responses: {
            200: {
              description: "Event stream",
              content: { "text/event-stream": { schema: { type: "string" } } },
            },
            404: errorResponse("No such mission"),
          },
        },
      },
      "/api/v1/missions/{id}/results": {
        get: {
          summary: "Results of a completed mission",
          parameters: [idParam],
          responses: {
            200: json(
              dataOf(ref("MissionResult")),
              "The newest mission_results row and the available downloads",
            ),
            400: errorResponse("Mission not completed (the message says its status)"),
            404: errorResponse("No such mission"),
          },
        },
      },
      "/api/v1/missions/{id}/results/download": {
        get: {
          summary: "Download a product",
          parameters: [
            idParam,
            {
              name: "format",
              in: "query",
              required: true,
              schema: { type: "string", enum: formats },
              description: Object.entries(DOWNLOAD_FORMATS)
                .map(([f, p]) => `\`${f}\`: ${p.label} (${p.file})`)
                .join("; "),
            },
          ],
          responses: {
            200: { description: "The file, with its content type and a file name" },
            400: errorResponse("Unknown format, or mission not completed"),
            404: errorResponse("No such mission or product"),
          },
        },
      },
      "/api/v1/missions/{id}/results/particles": {
        get: {
          summary: "Particle positions per output time (sampled) for map animation",
          parameters: [
            idParam,
            {
              name: "max",
              in: "query",
              schema: { type: "integer", minimum: 1, maximum: 20000, default: 2000 },
            },
          ],
          responses: {
            200: json(
              dataOf(ref("ParticleCloud")),
              "A sample of the particles: positions and status per output time, each particle's weight, and " +
                "the counts and weighted shares by status over every particle (summary.json's)",
            ),
            400: errorResponse("Invalid max, or mission not completed"),
            404: errorResponse("No such mission, or no particles.nc"),
          },
        },
      },
      "/api/v1/missions/{id}/results/density": {
        get: {
          summary: "The probability grid (density.nc) per output time, for a map's heat layer",
          parameters: [idParam],
          responses: {
            200: json(
              dataOf({
                type: "object",
                properties: {
                  times: {
                    type: "array",
                    items: { type: "number" },
                    description: "output times, Unix seconds",
                  },
                  nx: { type: "integer" },
                  ny: { type: "integer" },
                  cornerLon: numbers("cell corners' longitudes, (ny+1)×(nx+1) row-major"),
                  cornerLat: numbers("cell corners' latitudes, (ny+1)×(nx+1) row-major"),
                  cells: {
                    type: "array",
                    description: "per time: the cells with afloat probability (row-major indices) and it",
                    items: {
                      type: "object",
                      properties: { index: numbers("cell indices"), probability: numbers("probabilities") },
                      required: ["index", "probability"],
                    },
                  },
                },
                required: ["times", "nx", "ny", "cornerLon", "cornerLat", "cells"],
              }),
              "The probability grid per output time",
            ),
            400: errorResponse("Mission not completed"),
            404: errorResponse("No such mission, or no density.nc"),
          },
        },
      },
      "/api/v1/missions/{id}/plans": {
        post: {
          summary:
            "Plan a search on the mission's latest revision (or `revision`): each unit's area, pattern and waypoints",
          description:
            "Body: the units file (UNITS.json of `driftline plan`) and optionally `revision`. The answer is the " +
            "plan document (plan.json, snake_case as the file) with `id`, `revision` and `downloads`; its files " +
            "are stored under `{id}/plans/{plan id}/` and a row in mission_plans.",
          parameters: [idParam],
          requestBody: { required: true, content: { "application/json": { schema: ref("UnitsFile") } } },
          responses: {
            201: {
              description: "`{data: {id, revision, joint_pos, even_split_pos, units: [...], downloads}}`",
            },
            400: errorResponse("Invalid units (details name the field), or mission not completed"),
            404: errorResponse("No such mission or revision"),
          },
        },
        get: {
          summary: "The mission's plans",
          parameters: [idParam],
          responses: { 200: { description: "`{data: [{id, revision, jointPos, createdAt, url}]}`" } },
        },
      },
      "/api/v1/missions/{id}/plans/{planId}": {
        get: {
          summary: "One plan (the plan document)",
          parameters: [idParam, uuidParam("planId")],
          responses: {
            200: { description: "`{data: {id, revision, …plan.json, downloads}}`" },
            404: errorResponse("No such plan"),
          },
        },
      },
      "/api/v1/missions/{id}/plans/{planId}/download": {
        get: {
          summary: "A plan file: plan.json, plan.gpx, plan.kml, plan_waypoints.csv or tasking.pdf",
          parameters: [
            idParam,
            uuidParam("planId"),
            fileParam({
              type: "string",
              enum: ["plan.json", "plan.gpx", "plan.kml", "plan_waypoints.csv", "tasking.pdf"],
            }),
          ],
          responses: { 200: { description: "The file" }, 404: errorResponse("No such plan") },
        },
      },
      "/api/v1/missions/{id}/searches": {
        post: {
          summary:
            "Record an unsuccessful search: a new revision of every product from the re-weighted particles",
          description:
            "Either `gpx` (tracks or routes with times, each named by its unit) or `planId` (with `done`: the units " +
            "whose planned patterns were flown, default all). Each particle's weight is multiplied by its " +
            "probability of not having been detected; the products are written again under " +
            "`{id}/revisions/{n}/`; earlier revisions stay.",
          parameters: [idParam],
          requestBody: { required: true, content: { "application/json": { schema: ref("SearchCreate") } } },
          responses: {
            201: {
              description:
                "`{data: {revision, parentRevision, cumulativePos, search, mostLikely, downloads, density}}`",
            },
            400: errorResponse("Invalid units, GPX or plan"),
            409: errorResponse("Another search wrote that revision at the same time"),
          },
        },
      },
      "/api/v1/missions/{id}/revisions": {
        get: {
          summary: "The mission's revisions: 0 is the run, each later one follows an unsuccessful search",
          parameters: [idParam],
          responses: {
            200: {
              description:
                "`{data: [{revision, parentRevision, cumulativePos, search, mostLikely, createdAt}]}`",
            },
          },
        },
      },
      "/api/v1/missions/{id}/revisions/{n}/download": {
        get: {
          summary: "A product of a revision (format as for results/download)",
          parameters: [
            idParam,
            { name: "n", in: "path", required: true, schema: { type: "integer", minimum: 0 } },
            { name: "format", in: "query", required: true, schema: { type: "string", enum: formats } },
          ],
          responses: { 200: { description: "The file" }, 404: errorResponse("No such revision or product") },
        },
      },
      "/api/v1/missions/{id}/revisions/{n}/particles": {
        get: {
          summary: "The particle cloud of a revision (as results/particles; weights after the searches)",
          parameters: [
            idParam,
            { name: "n", in: "path", required: true, schema: { type: "integer", minimum: 0 } },
            {
              name: "max",
              in: "query",
              required: false,
              schema: { type: "integer", minimum: 1, maximum: 20000 },
            },
          ],
          responses: { 200: { description: "As results/particles" }, 404: errorResponse("No such revision") },
        },
      },
      "/api/v1/missions/{id}/revisions/{n}/density": {
        get: {
          summary: "The probability grid of a revision (as results/density)",
          parameters: [
            idParam,
            { name: "n", in: "path", required: true, schema: { type: "integer", minimum: 0 } },
          ],
          responses: { 200: { description: "As results/density" }, 404: errorResponse("No such revision") },
        },
      },
      "/api/v1/missions/{id}/validations": {
        post: {
          summary:
            "Validate the mission's forecast against an observed track (the object, a drifter or an SLDMB)",
          description:
            "Body: `track` (CSV time,lon,lat[,id], GPX or GeoJSON text) or `trackBase64` (any of those or CF " +
            "trajectory NetCDF). Each drifter is compared with the run at its output times: separation of the " +
            "centroid and most likely position at 6/12/24/48/72 h and the end, Liu–Weisberg s and SS (and 1 − s), " +
            "the rank of the observation in the density and the 50/90/95 % areas' hit rates, per drifter and in " +
            "total (validation.json as `driftline validate --result` writes it). Files are stored under " +
            "`{id}/validations/{validation id}/`.",
          parameters: [idParam],
          requestBody: {
            required: true,
            content: { "application/json": { schema: ref("ValidationCreate") } },
          },
          responses: {
            201: {
              description: "`{data: {id, mode, forecast, total, drifters: [...], skipped, downloads}}`",
            },
            400: errorResponse(
              "Invalid track (details name the field and the line), no overlap in time, or mission not completed",
            ),
            404: errorResponse("No such mission, or no particles.nc"),
          },
        },
        get: {
          summary: "The mission's validations",
          parameters: [idParam],
          responses: { 200: { description: "`{data: [{id, url}]}`" } },
        },
      },
      "/api/v1/missions/{id}/corrections": {
        post: {
          summary:
            "Estimate a current correction from a drifter's (SLDMB's) track against the mission's forcing",
          description:
            "Body: `track` or `trackBase64` as for validations, optionally `hours` (window back from the last fix, " +
            "default 6, at most 72) and `drifter` (its id in the file). The drifter is hindcast with no windage over " +
            "the window; the growth of its separation e(t) = b·(t − t0) gives the bias b by least squares. Give " +
            "`currentCorrection` to POST /api/v1/missions to run a mission with it (a `bias` source after the " +
            "current sources).",
          parameters: [idParam],
          requestBody: {
            required: true,
            content: { "application/json": { schema: ref("CorrectionCreate") } },
          },
          responses: {
            200: {
              description:
                "`{data: {drifter, from, to, x, y, speed, direction, separationKm, samples, method, currentCorrection}}`",
            },
            400: errorResponse("Invalid track or hours, or the drifter's hindcast failed"),
            404: errorResponse("No such mission, or no particles.nc"),
          },
        },
      },
      "/api/v1/missions/{id}/validations/{vid}": {
        get: {
          summary: "One validation (validation.json with downloads)",
          parameters: [idParam, uuidParam("vid")],
          responses: {
            200: { description: "As the POST's answer" },
            404: errorResponse("No such validation"),
          },
        },
      },
      "/api/v1/missions/{id}/validations/{vid}/download": {
        get: {
          summary:
            "A validation file: validation.json, validation.csv, validation.pdf or validation-N.png (per drifter)",
          parameters: [
            idParam,
            uuidParam("vid"),
            fileParam({
              type: "string",
              pattern: "^(validation\\.(json|csv|pdf)|validation-[1-9][0-9]{0,3}\\.png)$",
            }),
          ],
          responses: { 200: { description: "The file" }, 404: errorResponse("No such validation or file") },
        },
      },
      "/api/v1/object-types": {
        get: {
          summary: "The 85 Leeway object categories, grouped, with the common names that map to them",
          security: [],
          responses: {
            200: json(
              {
                type: "object",
                properties: {
                  data: {
                    type: "array",
                    items: {
                      type: "object",
                      properties: {
                        group: { type: "string" },
                        categories: {
                          type: "array",
                          items: {
                            type: "object",
                            properties: {
                              id: { type: "integer", minimum: 1, maximum: 85 },
                              key: { type: "string" },
                              description: { type: "string" },
                              commonNames: { type: "array", items: { type: "string" } },
                            },
                          },
                        },
                      },
                    },
                  },
                  commonNames: {
                    type: "array",
                    items: {
                      type: "object",
                      properties: { name: { type: "string" }, id: { type: "integer" } },
                    },
                  },
                  total: { type: "integer" },
                },
                required: ["data", "commonNames"],
              },
              "The categories by group, and every common name with the category it means",
            ),
          },
        },
      },
      "/api/v1/forcing/coverage": {
        get: {
          summary: "Areas and times the configured forcing files cover",
          responses: {
            200: json(
              {
                type: "object",
                properties: {
                  data: {
                    type: "array",
                    items: {
                      type: "object",
                      properties: {
                        name: { type: "string" },
                        variables: { type: "array", items: { type: "string", enum: ["wind", "current"] } },
                        west: { type: "number" },
                        east: { type: "number" },
                        south: { type: "number" },
                        north: { type: "number" },
                        start: { type: "string", format: "date-time" },
                        end: { type: "string", format: "date-time" },
                        grid: { type: "string" },
                        resolutionM: { type: "number" },
                        outline: {
                          type: "array",
                          description: "a projected or curvilinear grid's edge as a closed [lon, lat] ring",
                          items: { type: "array", items: { type: "number" }, minItems: 2, maxItems: 2 },
                        },
                      },
                      required: ["name", "variables", "west", "east", "south", "north", "start", "end"],
                    },
                  },
                  overlaps: {
                    type: "array",
                    description:
                      "where wind and current files overlap in space and time, with a sea point to start",
                    items: { type: "object" },
                  },
                  forcingDir: { type: ["string", "null"] },
                },
                required: ["data", "overlaps"],
              },
              "What each forcing file covers",
            ),
          },
        },
      },
      "/api/v1/coastline": {
        get: {
          summary: "Land polygons for an offline basemap",
          security: [],
          parameters: [
            {
              name: "bbox",
              in: "query",
              required: true,
              schema: { type: "string" },
              description: "west,south,east,north",
            },
          ],
          responses: {
            200: {
              description:
                "GeoJSON FeatureCollection of land polygons (a note instead when zoomed out too far)",
              content: {
                "application/geo+json": {
                  schema: {
                    type: "object",
                    properties: {
                      type: { const: "FeatureCollection" },
                      features: { type: "array", items: { type: "object" } },
                      note: { type: "string" },
                    },
                    required: ["type", "features"],
                  },
                },
              },
            },
            400: errorResponse("Bad bbox"),
          },
        },
      },
      "/api/v1/coastline/land": {
        get: {
          summary: "Whether a position is on land (the land mask a run uses), and the nearest sea point",
          security: [],
          parameters: [
            {
              name: "lat",
              in: "query",
              required: true,
              schema: { type: "number", minimum: -90, maximum: 90 },
            },
            {
              name: "lon",
              in: "query",
              required: true,
              schema: { type: "number", minimum: -540, maximum: 540 },
            },
          ],
          responses: {
            200: json(
              dataOf({
                type: "object",
                properties: {
                  lat: { type: "number" },
                  lon: { type: "number", description: "wrapped to [-180, 180)" },
                  land: { type: ["boolean", "null"], description: "null when the server has no shoreline" },
                  nearestSea: {
                    type: ["object", "null"],
                    description:
                      "where a run moves a particle released here (within 20 km; the point itself at sea)",
                    properties: {
                      lat: { type: "number" },
                      lon: { type: "number" },
                      distanceM: { type: "number" },
                    },
                  },
                },
                required: ["lat", "lon", "land", "nearestSea"],
              }),
              "On land or not, by GSHHG full resolution",
            ),
            400: errorResponse("lat or lon missing or out of range"),
          },
        },
      },
      "/api/v1/health": {
        get: {
          summary: "Health",
          security: [],
          responses: {
            200: json(
              HEALTH_SCHEMA,
              "Healthy; version, mode and queue depth only for callers who may use the API",
            ),
            503: json(HEALTH_SCHEMA, "The database or the queue does not answer"),
          },
        },
      },
      "/health": {
        get: {
          summary: "Health (contract path)",
          security: [],
          responses: {
            200: json(HEALTH_SCHEMA, "Healthy"),
            503: json(HEALTH_SCHEMA, "The database or the queue does not answer"),
          },
        },
      },
    },
  };
}

const escapeHtml = (s: unknown) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
const md = (s: unknown) => escapeHtml(s).replace(/`([^`]+)`/g, "<code>$1</code>");

function schemaRows(schema: Json, doc: Json, prefix = ""): string {
  const resolved = resolve(schema, doc);
  const props = (resolved.properties ?? {}) as Record<string, Json>;
  const required = new Set((resolved.required ?? []) as string[]);
  let rows = "";
  for (const [name, raw] of Object.entries(props)) {
    const p = resolve(raw, doc);
    const range = [
      p.minimum !== undefined ? `≥ ${p.minimum}` : "",
      p.maximum !== undefined ? `≤ ${p.maximum}` : "",
      p.default !== undefined ? `default ${JSON.stringify(p.default)}` : "",
      p.enum ? `one of ${(p.enum as unknown[]).map((e) => JSON.stringify(e)).join(", ")}` : "",
    ]
      .filter(Boolean)
      .join(", ");
    const members = (p.anyOf ?? p.oneOf) as Json[] | undefined;
    const type = Array.isArray(p.type)
      ? p.type.join(" | ")
      : (p.type ?? (members ? members.map((m) => String(m.type ?? "object")).join(" | ") : ""));
    rows += `<tr><td><code>${escapeHtml(prefix + name)}</code>${required.has(name) ? " *" : ""}</td><td>${escapeHtml(
      type,
    )}${p.format ? ` (${escapeHtml(p.format)})` : ""}</td><td>${md(p.description ?? "")}${range ? ` <span class="r">${escapeHtml(range)}</span>` : ""}</td></tr>`;
    if (p.type === "object" && p.properties && prefix.split(".").length < 3)
      rows += schemaRows(p, doc, `${prefix}${name}.`);
  }
  return rows;
}

function resolve(schema: Json, doc: Json): Json {
  const r = schema.$ref;
  if (typeof r === "string" && r.startsWith("#/components/schemas/")) {
    const name = r.slice("#/components/schemas/".length);
    return ((doc.components as Json).schemas as Record<string, Json>)[name] ?? {};
  }
  return schema;
}

/** The reference page: every path, its parameters, body fields and responses. */
export function openApiHtml(doc: Json): string {
  const info = doc.info as Json;
  let body = "";
  for (const [route, methods] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters ?? []) as Json[];
      const requestSchema = (
        ((op.requestBody as Json | undefined)?.content as Json | undefined)?.["application/json"] as
          | Json
          | undefined
      )?.schema as Json | undefined;
      body += `<section><h2><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(route)}</code></h2>`;
      body += `<p>${md(op.summary)}</p>${op.description ? `<p>${md(op.description)}</p>` : ""}`;
      if (params.length > 0) {
        body += "<h3>Parameters</h3><table><tr><th>name</th><th>in</th><th>description</th></tr>";
        for (const p of params) {
          const schema = p.schema as Json;
          body += `<tr><td><code>${escapeHtml(p.name)}</code>${p.required ? " *" : ""}</td><td>${escapeHtml(p.in)}</td><td>${md(
            p.description ?? "",
          )} ${schema?.enum ? `<span class="r">${escapeHtml((schema.enum as string[]).join(" | "))}</span>` : ""}</td></tr>`;
        }
        body += "</table>";
      }
      if (requestSchema) {
        body += `<h3>Request body</h3><table><tr><th>field</th><th>type</th><th>description</th></tr>${schemaRows(requestSchema, doc)}</table>`;
      }
      body += "<h3>Responses</h3><ul>";
      for (const [code, r] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
        body += `<li><b>${escapeHtml(code)}</b> ${md(r.description ?? "")}</li>`;
      }
      body += "</ul></section>";
    }
  }
  const schemas = (doc.components as Json).schemas as Record<string, Json>;
  let models = "";
  for (const name of ["Mission", "MissionStatus", "MissionResult"]) {
    models += `<section><h2 id="${name}">${name}</h2><table><tr><th>field</th><th>type</th><th>description</th></tr>${schemaRows(schemas[name], doc)}</table></section>`;
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)} ${escapeHtml(info.version)} reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:980px;padding:1rem 1.5rem;color:#1b2733}
h1{margin-bottom:0}h2{font-size:1.1rem;margin:1.6rem 0 .3rem}h3{font-size:.95rem;margin:.8rem 0 .2rem}
section{border-top:1px solid #d5dde5;padding-top:.4rem}code{background:#eef2f6;padding:0 .25em;border-radius:3px}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border:1px solid #d5dde5;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f6f9}.m{display:inline-block;min-width:4.2em;color:#fff;border-radius:3px;padding:0 .4em;font-size:.85rem;text-align:center}
.get{background:#1f6feb}.post{background:#1a7f37}.delete{background:#cf222e}.r{color:#57606a;font-size:.85em}
</style></head><body>
<h1>${escapeHtml(info.title)}</h1><p>Version ${escapeHtml(info.version)} · <a href="/api/v1/openapi.json">openapi.json</a> · <a href="/">map</a></p>
<p>${md(info.description)}</p>
${body}
<h1 style="margin-top:2rem">Models</h1>
${models}
</body></html>`;
}
