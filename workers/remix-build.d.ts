// The Remix server build is generated (remix vite:build) and untyped; it is a ServerBuild.
declare module "*/build/server/index.js" {
  import type { ServerBuild } from "@remix-run/cloudflare";
  export const entry: ServerBuild["entry"];
  export const routes: ServerBuild["routes"];
  export const assets: ServerBuild["assets"];
}
