import { describe, expect, it } from "vitest";

import { screenAccess, tokenPermissions, tokenUserId } from "../src/permissions";

function jwt(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${encode({ alg: "HS256" })}.${encode(claims)}.signature`;
}

describe("screenAccess", () => {
  it("opens payouts to a cashier and names MANAGE_USERS for the applications", () => {
    const cashier = ["HANDLE_PAYMENTS"];
    expect(screenAccess("payouts", cashier)).toEqual({ allowed: true });
    expect(screenAccess("overview", cashier)).toEqual({ allowed: true });
    expect(screenAccess("applications", cashier)).toEqual({ allowed: false, missing: ["MANAGE_USERS"] });
    expect(screenAccess("programme", cashier)).toEqual({ allowed: false, missing: ["MANAGE_PLUGINS"] });
    expect(screenAccess("orderWidget", cashier)).toEqual({ allowed: false, missing: ["MANAGE_ORDERS"] });
  });

  it("closes everything to a token without the programme's permissions", () => {
    expect(screenAccess("overview", ["MANAGE_PRODUCTS"]).allowed).toBe(false);
  });
});

describe("tokenPermissions", () => {
  it("reads the token's narrowed permissions, not the user's", () => {
    const token = jwt({ permissions: ["HANDLE_PAYMENTS"], user_permissions: ["HANDLE_PAYMENTS", "MANAGE_USERS"] });
    expect(tokenPermissions(token)).toEqual(["HANDLE_PAYMENTS"]);
  });

  it("grants nothing for a missing or malformed token", () => {
    expect(tokenPermissions(undefined)).toEqual([]);
    expect(tokenPermissions("not-a-jwt")).toEqual([]);
    expect(tokenPermissions("a.%%%.c")).toEqual([]);
  });

  it("decodes non-ASCII claims (a Chinese staff name) without breaking", () => {
    const payload = btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify({ name: "王", permissions: ["MANAGE_USERS"] }))));
    expect(tokenPermissions(`x.${payload.replace(/=+$/, "")}.y`)).toEqual(["MANAGE_USERS"]);
  });
});

describe("tokenUserId", () => {
  it("turns Saleor's User global id into the pk the audit trail names", () => {
    expect(tokenUserId(jwt({ user_id: btoa("User:12") }))).toBe("12");
    expect(tokenUserId(jwt({ user_id: "901" }))).toBe("901");
    expect(tokenUserId(jwt({}))).toBeUndefined();
  });
});
