import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import * as schema from "../../db/schema";

export type Database = DrizzleD1Database<typeof schema>;

// drizzle() walks the whole schema to build its relational config: measured at 8% of the
// Worker's CPU when done per request. The client holds no per-request state, so each isolate
// keeps one per D1 binding.
const clients = new WeakMap<D1Database, Database>();

export function createDb(d1: D1Database): Database {
  let db = clients.get(d1);
  if (!db) {
    db = drizzle(d1, { schema });
    clients.set(d1, db);
  }
  return db;
}
