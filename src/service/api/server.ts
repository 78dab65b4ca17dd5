// The HTTP API (Fastify): /api/v1 routes, API-key authentication, uniform errors, OpenAPI document and
// reference page, and the web page. Built by buildApi(); listening is the caller's business. Public routes
// (health, docs, reference data, the page) and authenticated routes live in two plugin contexts: only the
// second has the authentication hook, so a route is public by where it is registered, not by a path list.
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import type { ZodError } from "zod";
import { ensureLocalUser, userForKey } from "../db/api-keys.js";
import { Admission, DEFAULT_LIMITS } from "./admission.js";
import { type Caller, presentedKey } from "./auth.js";
import type { ApiContext, ApiDeps } from "./context.js";
import { registerContentSecurityPolicy } from "./csp.js";
import { ApiError } from "./errors.js";
import { checkHostAndOrigin } from "./host-guard.js";
import { registerForcingRoutes, registerPublicMetaRoutes } from "./meta.js";
import { MissionEvents } from "./mission-events.js";
import { registerMissionRoutes } from "./missions.js";
import { openApiDocument, openApiHtml } from "./openapi.js";
import { registerPlanningRoutes } from "./planning.js";
import { registerResultRoutes } from "./results.js";
import { fieldErrors } from "./schemas.js";
import { registerStaticRoutes } from "./static-files.js";
import { registerValidationRoutes } from "./validation.js";

export { API_MIGRATIONS, createApiKey } from "../db/api-keys.js";
export type { ApiConfig, ApiDeps, BBox, ForcingCoverage } from "./context.js";

const ONE_MB = 1024 * 1024;

/**
 * Creates the API. Expects the database migrated: `migrate(db, API_MIGRATIONS)` (the contract's tables and
 * the API's columns).
 */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const ctx: ApiContext = {
    ...deps,
    localUserId: await ensureLocalUser(deps.db),
    admission: new Admission({ ...DEFAULT_LIMITS, ...deps.config.limits }, deps.db, deps.queue),
    events: new MissionEvents(
      deps.db,
      deps.config.limits?.eventStreamsPerKey ?? DEFAULT_LIMITS.eventStreamsPerKey,
    ),
  };
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.config.bodyLimitBytes ?? ONE_MB,
    // Server-Sent Event streams never go idle: end them when the server closes.
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true },
    // A malformed URL (bad percent-encoding) is refused before routing: answer it in the API's format too.
    frameworkErrors: (error, _request, reply) => {
      const message =
        error.code === "FST_ERR_BAD_URL" ? "malformed URL (bad percent-encoding)" : "bad request";
      (reply as FastifyReply).code(400).send({ error: message });
    },
  });

  // JSON only: a text/plain body is refused with 415 instead of reaching the routes as a string.
  app.removeContentTypeParser("text/plain");

  // Set by the authentication hook for every authenticated request (Fastify wants null for reference-type
  // decorations).
  app.decorateRequest("caller", null as never);

  // Every request, public or not: the Host and Origin checks against DNS rebinding (host-guard.ts).
  const guard = {
    open: ctx.config.auth === "open",
    bindHost: ctx.config.bindHost,
    port: () => {
      const address = app.server.address();
      return typeof address === "object" && address ? address.port : undefined;
    },
  };
  app.addHook("onRequest", async (request) => {
    checkHostAndOrigin(request, guard);
  });

  app.setErrorHandler((error: FastifyError | ApiError | ZodError, request, reply) => {
    if (error instanceof ApiError) {
      if (error.statusCode === 401) reply.header("www-authenticate", 'Bearer realm="driftline"');
      for (const [name, value] of Object.entries(error.headers ?? {})) reply.header(name, value);
      return reply
        .code(error.statusCode)
        .send({ error: error.message, ...(error.details ? { details: error.details } : {}) });
    }
    if ((error as ZodError).issues) {
      return reply.code(400).send({ error: "invalid request", details: fieldErrors(error as ZodError) });
    }
    const fe = error as FastifyError;
    if (fe.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return reply.code(413).send({
        error: `request body larger than ${Math.round((deps.config.bodyLimitBytes ?? ONE_MB) / 1024)} kB`,
      });
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      const message =
        fe.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE"
          ? "send JSON (content-type: application/json)"
          : fe.message;
      return reply.code(fe.statusCode).send({ error: message });
    }
    request.log.error({ err: error }, "request failed");
    // The reason goes to the log, not to the client: it may name tables, files or hosts.
    return reply
      .code(500)
      .send({ error: `internal error (request ${request.id}); the server's log has the reason` });
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: `not found: ${request.method} ${request.url.split("?")[0]}` });
  });

  const doc = openApiDocument(deps.config.version);
  const docHtml = openApiHtml(doc);
  // On the root, before the contexts: every HTML response of either context gets the policy.
  registerContentSecurityPolicy(app);
  await app.register(async (app) => {
    app.get("/api/v1/openapi.json", async () => doc);
    app.get("/api/docs", async (_request, reply) =>
      reply.header("content-type", "text/html; charset=utf-8").send(docHtml),
    );
    registerPublicMetaRoutes(app, ctx);
    if (deps.config.webDir) registerStaticRoutes(app, deps.config.webDir);
  });
  await app.register(async (app) => {
    app.addHook("onRequest", async (request) => {
      request.caller = await authenticate(ctx, request.headers);
    });
    registerForcingRoutes(app, ctx);
    registerMissionRoutes(app, ctx);
    registerResultRoutes(app, ctx);
    registerPlanningRoutes(app, ctx);
    registerValidationRoutes(app, ctx);
  });
  return app;
}

/** The caller of an authenticated route: the owner of the API key presented, or open mode's local user. */
async function authenticate(ctx: ApiContext, headers: FastifyRequest["headers"]): Promise<Caller> {
  const key = presentedKey(headers);
  if (key) {
    const userId = await userForKey(ctx.db, key);
    if (!userId) throw new ApiError(401, "unknown, revoked or expired API key");
    return { userId, seesAll: false };
  }
  if (ctx.config.auth === "open") return { userId: ctx.localUserId, seesAll: true };
  throw new ApiError(401, "authentication required: send `Authorization: Bearer <API key>`");
}
