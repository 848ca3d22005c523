# syntax=docker/dockerfile:1
# The GourmetGram image, model server and web app alike: `docker build --build-arg RECIPE=latency -t gourmetgram:0.1.0 .`
# Stage 1 installs and compiles, fetches the recipe's backbone (checked against its SHA-256) into a mirror folder
# and drops dev dependencies; stage 2 is distroless Node 20 running as the unprivileged "nonroot" user (65532),
# with nothing but the compiled code, production node_modules, recipes, our trained heads and the mirror.
ARG NODE_MAJOR=20

FROM node:${NODE_MAJOR}-bookworm-slim AS build
ARG RECIPE=latency
WORKDIR /app
# better-sqlite3 compiles from source only when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild better-sqlite3 sharp
COPY tsconfig.json ./
COPY src ./src
COPY test ./test
COPY bench ./bench
COPY models ./models
COPY recipes ./recipes
RUN npx tsc -p . && rm -rf dist/test dist/bench && find dist -name '*.test.js*' -delete
RUN node dist/src/cli/main.js deploy --recipe "$RECIPE" --target mirror --out /app/mirror
RUN npm prune --omit=dev --ignore-scripts && mkdir -p /app/empty-cache /app/empty-data

FROM gcr.io/distroless/nodejs${NODE_MAJOR}-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production \
    GOURMETGRAM_MODEL_MIRROR=/app/mirror \
    GOURMETGRAM_CACHE=/var/cache/gourmetgram
COPY --from=build --chown=65532:65532 /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/models ./models
COPY --from=build /app/recipes ./recipes
COPY --from=build /app/mirror ./mirror
# The web app's browser assets (stylesheet, icons, ES modules), served from the image by `gourmetgram app`.
COPY web ./web
# Writable for packaged models when run without Kubernetes' emptyDir over it.
COPY --from=build --chown=65532:65532 /app/empty-cache /var/cache/gourmetgram
# The app's data folder (instance id, exports; SQLite and photos when run without PostgreSQL and S3).
COPY --from=build --chown=65532:65532 /app/empty-data /var/lib/gourmetgram
USER 65532:65532
EXPOSE 8080
# The distroless entrypoint is node itself. Kubernetes passes `serve --recipe ... --port 8080` (the model server)
# or `app --recipe ... --port 8080 ...` (the web app) as args; alone, the image serves the latency recipe.
ENTRYPOINT ["/nodejs/bin/node", "dist/src/cli/main.js"]
CMD ["serve", "--recipe", "/app/recipes/latency.yaml", "--port", "8080"]
