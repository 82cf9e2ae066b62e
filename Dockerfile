# syntax=docker/dockerfile:1
# `sjd serve` in a container, with the shipped model baked in (docs/deploy.md):
#   docker build -t sjd:0.1.0 .
#   docker run --rm -p 50051:50051 sjd:0.1.0
# Extra flags after the image name replace the default `serve` arguments, e.g.
#   docker run --rm -p 50051:50051 sjd:0.1.0 serve --host=0.0.0.0 --insecure --max-concurrent=4
# Another model: mount its folder and pass `--model=/models/my-model`.

# ---- build: the whole workspace, then only what `sjd` needs at run time ----
FROM node:20-bookworm-slim AS build
# onnxruntime-node's install script downloads CUDA libraries; the CPU provider needs none.
ENV ONNXRUNTIME_NODE_INSTALL=skip
RUN npm install --global pnpm@10.34.9
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm exec turbo run build --filter=@sjd/cli... \
 && pnpm --filter=@sjd/cli deploy --prod --legacy /app \
 && cp deploy/docker/grpc-health-check.mjs /app/
# onnxruntime-node ships its library for every platform (≈290 MB): keep this one (≈70 MB).
RUN cd /app/node_modules/.pnpm/onnxruntime-node@*/node_modules/onnxruntime-node/bin/napi-v6 \
 && rm -rf darwin win32 \
 && find linux -mindepth 1 -maxdepth 1 ! -name "$(node -p process.arch)" -exec rm -rf {} +

# ---- runtime: Node, the cli with its production dependencies and the model ----
FROM node:20-bookworm-slim
# HOME in /tmp: onnxruntime writes a little state there (a writable emptyDir on Kubernetes).
ENV NODE_ENV=production HOME=/tmp
WORKDIR /app
COPY --from=build /app /app
# Any non-root user; the Kubernetes manifests run as the same 10001.
USER 10001:10001
EXPOSE 50051
# grpc.health.v1: SERVING once the model is loaded, NOT_SERVING while it loads or drains.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD ["node", "grpc-health-check.mjs", "127.0.0.1:50051"]
# SIGTERM (docker stop, Kubernetes) drains: running streams get --shutdown-grace-ms.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--initial-old-space-size=64", "dist/sjd.js"]
# Plaintext beyond loopback must be asked for (--insecure); for TLS, mount a certificate and
# pass --tls-cert/--tls-key instead (docs/deploy.md).
CMD ["serve", "--host=0.0.0.0", "--port=50051", "--insecure"]
