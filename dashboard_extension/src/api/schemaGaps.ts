import { ApiError } from "./client";

/** True when the server's schema lacks a field this page asks for: a plugin older than the page
 * (the page degrades to what the server has instead of failing the whole screen). */
export function isMissingFromSchema(error: unknown): boolean {
  return (
    error instanceof ApiError &&
    /Cannot query field|Unknown argument|Unknown type|Unknown field|is not defined by type/.test(error.message)
  );
}
