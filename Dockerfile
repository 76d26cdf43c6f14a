# One image for both roles: the API (PROCESS_ROLE=api) and the worker (PROCESS_ROLE=worker).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/panel/dist ./panel/dist
COPY package.json ./
USER node
EXPOSE 3000
CMD ["node", "dist/main.js"]
