import { describe, expect, it } from "vitest";
import { publicBase } from "../../workers/services/public-links";

describe("publicBase (where a mailed link points)", () => {
  const development = { APP_URL: "http://localhost:8787/", ENVIRONMENT: "development" as const };

  it("follows the origin the request came in on outside production", () => {
    expect(publicBase(development, "http://127.0.0.1:9123")).toBe("http://127.0.0.1:9123");
  });

  it("keeps APP_URL in production, whatever Host the caller sent", () => {
    expect(
      publicBase(
        { APP_URL: "https://deployr.example.com", ENVIRONMENT: "production" },
        "https://evil.example",
      ),
    ).toBe("https://deployr.example.com");
  });

  it("falls back to APP_URL without an origin or with one that is not a web address", () => {
    expect(publicBase(development, null)).toBe("http://localhost:8787");
    expect(publicBase(development, "javascript:alert(1)")).toBe("http://localhost:8787");
    expect(publicBase(development, "not a url")).toBe("http://localhost:8787");
  });
});
