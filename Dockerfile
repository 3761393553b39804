# The hostroot GitHub App (Probot), as a container: `docker build -t hostroot-app .`
# See docs/github-app.md, "Deploy".

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: `prepare` would build before the sources are here; ssh2's optional native
# addon is not needed (it falls back to Node's own crypto).
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The App only: the CLI's bundle (the rest of `npm run build`) has no use in this image.
RUN npx tsc -p tsconfig.build.json

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/build ./build
COPY app.yml ./
# Never root: the App needs no privilege; the SSH keys it reads are mounted read-only.
USER node
EXPOSE 3000
# Probot answers GET /ping with PONG; node itself checks it, so the image needs no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/ping').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# probot directly, not `npm start`: signals reach the server and it stops cleanly.
CMD ["node", "node_modules/probot/bin/probot.js", "run", "./build/adapters/github/app.js"]
