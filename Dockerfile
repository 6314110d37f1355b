# The tool's own image. It is what dockerize-slim makes of a Node CLI: a build stage, then
# distroless node with a numeric non-root user, so `dockerize-slim --check` leaves it as it is.
#   docker build -t dockerize-slim .
#   docker run --rm -v "$PWD:/src" -w /src dockerize-slim --check .
FROM node:22 AS build
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

FROM gcr.io/distroless/nodejs22-debian13:nonroot
WORKDIR /opt/dockerize-slim
COPY --from=build /build/package.json ./
COPY --from=build /build/bin ./bin
# The CLI loads its other bundles (yargs, yaml, verify, the reports) when it needs them.
COPY --from=build /build/dist/cli.js /build/dist/worker.js /build/dist/yargs.js /build/dist/yaml.js \
     /build/dist/verify.js /build/dist/report.js /build/dist/json-report.js \
     /build/dist/sarif-report.js ./dist/
COPY --from=build /build/docs/rules.md ./docs/
WORKDIR /src
USER 65532:65532
ENTRYPOINT ["/nodejs/bin/node", "/opt/dockerize-slim/bin/dockerize-slim.js"]
CMD ["--help"]
