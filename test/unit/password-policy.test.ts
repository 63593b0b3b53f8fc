import { describe, expect, it } from "vitest";
import { checkPassword, PASSWORD_MAX_LENGTH } from "../../workers/domain/auth/password-policy";

describe("checkPassword", () => {
  it("accepts a long passphrase", () => {
    expect(
      checkPassword("correct horse battery staple", { email: "ada@example.com", fullName: "Ada Lovelace" }),
    ).toEqual([]);
  });

  it.each([
    ["too short", "Ab1!xyz", /at least 10/],
    ["too long", "x1".repeat(PASSWORD_MAX_LENGTH), /at most/],
    ["common", "Password123", /most common/],
    ["monotonous", "aaaaaaaaaaaaab", /more than three different/],
  ])("refuses a %s password", (_label, password, reason) => {
    expect(checkPassword(password).join("; ")).toMatch(reason);
  });

  it("refuses a password containing the e-mail's local part or the user's name", () => {
    expect(checkPassword("grace.hopper-2026", { email: "grace.hopper@navy.mil" }).join()).toMatch(/e-mail/);
    expect(checkPassword("i-am-lovelace-99", { fullName: "Ada Lovelace" }).join()).toMatch(/name/);
  });

  it("ignores very short name parts and local parts (too many false refusals)", () => {
    expect(checkPassword("bo-and-the-sea-42", { email: "bo@x.io", fullName: "Bo Li" })).toEqual([]);
  });
});
