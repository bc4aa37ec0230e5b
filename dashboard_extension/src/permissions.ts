/** What each screen needs, as the API checks it (README, "Permissions"). The token's own
 * `permissions` claim is what counts: the app's permissions intersected with the user's. */
export type Permission = "MANAGE_USERS" | "MANAGE_ORDERS" | "HANDLE_PAYMENTS" | "MANAGE_PLUGINS";

export type Screen =
  | "overview"
  | "applications"
  | "distributors"
  | "commissions"
  | "payouts"
  | "programme"
  | "orderWidget"
  | "customerWidget";

/** A screen opens when the token holds ANY of its permissions. */
export const SCREEN_PERMISSIONS: Record<Screen, Permission[]> = {
  overview: ["MANAGE_USERS", "MANAGE_ORDERS", "HANDLE_PAYMENTS"],
  applications: ["MANAGE_USERS"],
  distributors: ["MANAGE_USERS"],
  commissions: ["MANAGE_ORDERS"],
  payouts: ["HANDLE_PAYMENTS"],
  programme: ["MANAGE_PLUGINS"],
  orderWidget: ["MANAGE_ORDERS"],
  customerWidget: ["MANAGE_USERS"],
};

export type Access = { allowed: true } | { allowed: false; missing: Permission[] };

export function screenAccess(screen: Screen, granted: readonly string[]): Access {
  const needed = SCREEN_PERMISSIONS[screen];
  return needed.some((permission) => granted.includes(permission))
    ? { allowed: true }
    : { allowed: false, missing: needed };
}

function base64UrlDecode(part: string): string {
  const padded = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The `permissions` claim of the CURRENT token. app-sdk reads it at the handshake only, but a
 * refreshed token may carry different ones (a staff member's group changed meanwhile). */
export function tokenPermissions(token: string | undefined): string[] {
  if (!token) return [];
  const [, payload] = token.split(".");
  if (!payload) return [];
  try {
    const claims = JSON.parse(base64UrlDecode(payload)) as { permissions?: unknown };
    return Array.isArray(claims.permissions) ? claims.permissions.filter((p) => typeof p === "string") : [];
  } catch {
    return [];
  }
}

/** The user's primary key as the API's audit trail writes it (`user:<pk>`), to tell the first
 * approver of a payout from the second. Saleor's tokens carry the User's global id
 * (base64 of "User:<pk>"); the sandbox's carry the pk itself. */
export function tokenUserId(token: string | undefined): string | undefined {
  if (!token) return undefined;
  let userId: unknown;
  try {
    userId = (JSON.parse(base64UrlDecode(token.split(".")[1] ?? "")) as { user_id?: unknown }).user_id;
  } catch {
    return undefined;
  }
  if (userId == null) return undefined;
  const text = String(userId);
  if (/^\d+$/.test(text)) return text;
  try {
    const [type, pk] = atob(text).split(":");
    if (type === "User" && pk) return pk;
  } catch {
    // Not base64: an id of another shape, compared as it is.
  }
  return text;
}
