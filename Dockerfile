# One image for the gateway, the four subgraphs, the storefront and the one-shot migrate job; docker-compose.yml
# picks what a container runs with `command` (default: the gateway). Services run from source
# with tsx, as in development.
FROM node:20-bookworm-slim

WORKDIR /app

# The whole context (see .dockerignore): npm ci needs every workspace's package.json anyway.
COPY . .
RUN npm ci --no-audit --no-fund \
  && npm run generate \
  && npm run build -w @platform/storefront \
  && npm cache clean --force

USER node

CMD ["npx", "tsx", "gateway/src/index.ts"]
