import { currentToken, getBridge } from "../bridge/bridge";
import { ApiError } from "./client";

/** Saleor's own API (products, categories), with the same token: the app's permissions apply. */
export async function saleorGraphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const url = getBridge()?.getState().saleorApiUrl || new URLSearchParams(window.location.search).get("saleorApiUrl");
  if (!url) throw new ApiError("Saleor's API address is unknown (saleorApiUrl).");
  const token = currentToken();
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  let body: { data?: T; errors?: { message: string }[] };
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`Saleor: HTTP ${response.status}`);
  }
  if (body.errors?.length) throw new ApiError(body.errors[0].message);
  return body.data as T;
}
