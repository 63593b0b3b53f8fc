import { defineConfig } from "drizzle-kit";

// drizzle-kit generates the SQL in migrations/ from workers/db/schema.ts; wrangler applies it.
export default defineConfig({
  dialect: "sqlite",
  schema: "./workers/db/schema.ts",
  out: "./migrations",
});
