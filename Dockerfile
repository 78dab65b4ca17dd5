# syntax=docker/dockerfile:1
# Driftline drift worker (`driftline worker`), a drop-in for the platform's worker container.
# NOTE: no Docker engine was available where this file was written: it has not been built or run.
# Build: docker build -t driftline .      Run: see docker-compose.yml (environment in README.md).

# ---- build: compile TypeScript, then keep production dependencies only ----
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# ---- runtime: node, the bundled GSHHG coastline, a non-root user ----
FROM node:22-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    WORK_DIR=/var/lib/driftline/work \
    FORCING_DIR=/var/lib/driftline/forcing \
    METRICS_PORT=9464 \
    METRICS_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY data-bundled/coastline ./data-bundled/coastline
RUN useradd --system --uid 10001 --home-dir /var/lib/driftline --create-home driftline \
 && mkdir -p /var/lib/driftline/work /var/lib/driftline/forcing \
 && chown -R driftline /var/lib/driftline
USER driftline
VOLUME ["/var/lib/driftline/forcing"]
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.METRICS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# tini forwards SIGTERM to node, which finishes or returns running jobs and exits 0.
ENTRYPOINT ["tini", "--", "node", "bin/driftline.js"]
CMD ["worker"]
