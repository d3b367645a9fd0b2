# syntax=docker/dockerfile:1
# One image for both processes of the split deployment; the command picks the role:
#   API:    node --import tsx src/api/server.ts   (the default)
#   worker: node --import tsx src/worker.ts
# TypeScript runs through tsx (a runtime dependency), so there is no compile step for the
# server: the build stage generates the Prisma client (not in the repository) and builds the
# agent console's static files (console/dist), which the runtime image ships.

ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# --- build: every dependency, then the generated Prisma client --------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: nothing we depend on needs one, and Prisma's would download engines the
# client does not use (it talks to PostgreSQL through @prisma/adapter-pg).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-generate.mjs ./scripts/
# Generates into src/generated/prisma without downloading the schema engine (see the script).
RUN node scripts/prisma-generate.mjs
# The agent console (console/ → console/dist, served by the API at /sms): its client types come
# from the API's OpenAPI document, written from the route table in src/, so the build needs both.
COPY tsconfig.json ./
COPY scripts/build-console.mjs scripts/write-openapi.ts ./scripts/
COPY src ./src
COPY console ./console
RUN node scripts/build-console.mjs

# --- production dependencies only -------------------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime ----------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    API_PORT=3000
WORKDIR /app
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json tsconfig.json prisma.config.ts ./
# Migrations are applied by the processes themselves at start-up (src/infra/migrations.ts).
COPY prisma ./prisma
COPY src ./src
COPY --from=build /app/src/generated ./src/generated
COPY --from=build /app/console/dist ./console/dist
COPY docker/healthcheck.mjs ./docker/healthcheck.mjs
# Everything above stays root-owned and read-only to the process; it writes nothing to /app
# (tsx caches in /tmp, the worker bundles its workflows in memory).
USER node
EXPOSE 3000
# Probes HEALTHCHECK_URL, by default the API's /healthz on API_PORT; a worker container points it
# at its metrics port (WORKER_METRICS_PORT), as docker-compose.yml does.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 CMD ["node", "docker/healthcheck.mjs"]
CMD ["node", "--import", "tsx", "src/api/server.ts"]
