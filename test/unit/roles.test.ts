import { describe, expect, it } from "vitest";
import {
  canAssignRole,
  canRemoveMember,
  hasRole,
  leavesOrgWithoutOwner,
  ROLES,
} from "../../workers/domain/auth/roles";

describe("hasRole", () => {
  it("orders owner > admin > member > viewer", () => {
    expect(hasRole("owner", "admin")).toBe(true);
    expect(hasRole("admin", "admin")).toBe(true);
    expect(hasRole("member", "admin")).toBe(false);
    expect(hasRole("viewer", "member")).toBe(false);
    for (const role of ROLES) expect(hasRole(role, "viewer")).toBe(true);
  });
});

describe("canAssignRole", () => {
  it.each([
    ["owner", "member", "owner", true],
    ["owner", "owner", "admin", true],
    ["admin", "member", "admin", true],
    ["admin", "viewer", "member", true],
    ["admin", "member", "owner", false],
    ["admin", "owner", "admin", false],
    ["admin", null, "owner", false],
    ["member", "viewer", "member", false],
    ["viewer", null, "viewer", false],
  ] as const)("%s changing %s to %s: %s", (actor, current, next, expected) => {
    expect(canAssignRole(actor, current, next)).toBe(expected);
  });
});

describe("canRemoveMember", () => {
  it("lets owners remove anyone and admins anyone but owners", () => {
    expect(canRemoveMember("owner", "owner")).toBe(true);
    expect(canRemoveMember("admin", "admin")).toBe(true);
    expect(canRemoveMember("admin", "owner")).toBe(false);
    expect(canRemoveMember("member", "viewer")).toBe(false);
  });
});

describe("leavesOrgWithoutOwner", () => {
  it("refuses demoting or removing the last owner only", () => {
    expect(leavesOrgWithoutOwner(1, "owner", "admin")).toBe(true);
    expect(leavesOrgWithoutOwner(1, "owner", null)).toBe(true);
    expect(leavesOrgWithoutOwner(2, "owner", null)).toBe(false);
    expect(leavesOrgWithoutOwner(1, "owner", "owner")).toBe(false);
    expect(leavesOrgWithoutOwner(1, "admin", null)).toBe(false);
  });
});
