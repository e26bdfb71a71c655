# logsieve as a container image (doc/deploy.md). Two stages:
#   build    Debian 12 with scripts/install-deps.sh, then `make build` (Release)
#   runtime  debian:bookworm-slim with the runtime libraries, the binary, the
#            bundled rules, model and sample; the web assets are in the binary
#
#   docker build -t logsieve .                      (JOBS=N: --build-arg JOBS=N)
#   docker run -p 8000:8000 logsieve                logsieve serve --host 0.0.0.0
#   docker run -v $PWD:/data logsieve classify /data/logs.csv
#
# Built and checked here with podman (make image-test, scripts/image-test.sh).

# --- build -------------------------------------------------------------------
FROM debian:bookworm-slim AS build
ARG JOBS=2
WORKDIR /src
# Layers from the least to the most often changed: packages, npm packages, sources.
COPY scripts/install-deps.sh scripts/
RUN scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
# The Swagger UI and ReDoc assets, embedded into the binary (--omit=dev: the
# OpenTelemetry SDK packages are for the tests only). A build behind an
# intercepting HTTPS proxy passes its CA as the secret extra_ca (one PEM file);
# it is mounted for this step only and never reaches an image layer.
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=extra_ca \
    NODE_EXTRA_CA_CERTS=$(test -s /run/secrets/extra_ca && echo /run/secrets/extra_ca) \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error
# The context is only what the build reads (.dockerignore lists it), so that
# docs, tests and deploy files never rebuild the image.
COPY . .
# touch: node_modules is up to date even when COPY gave package.json a newer time.
RUN touch node_modules/.package-lock.json && make build JOBS=${JOBS} \
 && install -D -m 0755 build/release/apps/logsieve/logsieve /out/usr/local/bin/logsieve \
 && install -D -m 0644 -t /out/usr/local/share/logsieve/rules rules/default.yaml \
 && install -D -m 0644 -t /out/usr/local/share/logsieve/models models/default.lsm \
 && install -D -m 0644 -t /out/usr/local/share/logsieve/data data/sample.csv \
 && install -D -m 0644 -t /out/usr/local/share/logsieve/tests/data tests/data/ood_dev.csv

# --- runtime -----------------------------------------------------------------
FROM debian:bookworm-slim
# What `readelf -d logsieve | grep NEEDED` names beyond libc and libstdc++
# (dpkg -S: vectorscan, curl, yaml-cpp, xxhash, hiredis for the worker,
# sqlite for the learning loop's store), and the CA certificates the LLM
# stage's HTTPS needs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libvectorscan5 libcurl4 libyaml-cpp0.7 libxxhash0 libhiredis0.14 libsqlite3-0 libprotobuf32 zlib1g ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log
# A non-root user whose home holds the state: the store (store.path) and the
# compiled-rules cache (~/.cache/logsieve/rules). /models is for models made
# with `logsieve train` (LOGSIEVE_MODEL_FILE=/models/NAME.lsm); the bundled ones
# stay in /usr/local/share/logsieve, where BundledPath finds them.
RUN groupadd --system --gid 10001 logsieve \
 && useradd --system --uid 10001 --gid logsieve --home-dir /var/lib/logsieve \
      --shell /usr/sbin/nologin logsieve \
 && install -d -o logsieve -g logsieve /var/lib/logsieve /models /etc/logsieve
COPY --from=build /out/ /
USER 10001:10001
WORKDIR /var/lib/logsieve
VOLUME ["/var/lib/logsieve", "/models"]
EXPOSE 8000
# Configuration: any key as LOGSIEVE_<KEY> (llm.api_key -> LOGSIEVE_LLM_API_KEY),
# or a mounted file: `serve --host 0.0.0.0 --config /etc/logsieve/logsieve.yaml`.
ENV LOGSIEVE_SERVER_PORT=8000
# No curl in the slim image: bash's /dev/tcp asks /healthz and wants a 200.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${LOGSIEVE_SERVER_PORT} && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["logsieve"]
CMD ["serve", "--host", "0.0.0.0"]
