import { describe, expect, it } from "vitest";
import { api } from "./harness";

describe("health and docs", () => {
  it("answers liveness without touching D1", async () => {
    const res = await api("/health");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ok");
  });

  it("answers readiness after checking D1", async () => {
    const res = await api("/ready");
    expect(res.status).toBe(200);
    expect(res.body.checks.d1.ok).toBe(true);
  });

  it("serves an OpenAPI 3.1 document generated from the request schemas", async () => {
    const res = await api("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    const register = res.body.paths["/api/auth/register"].post;
    const schema = register.requestBody.content["application/json"].schema;
    expect(schema.required).toEqual(expect.arrayContaining(["email", "password", "full_name", "company"]));
    expect(schema.additionalProperties).toBe(false);
    expect(res.body.paths["/api/keys/{id}"].delete.parameters[0]).toMatchObject({ name: "id", in: "path" });
  });

  it("renders the API reference page from the same document", async () => {
    const res = await api("/docs");
    expect(res.status).toBe(200);
    expect(String(res.body)).toContain("/api/auth/register");
  });

  it("answers unknown API paths with a JSON 404", async () => {
    const res = await api("/api/does-not-exist");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });
});
