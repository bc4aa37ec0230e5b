import { currentToken, requestNewToken } from "../bridge/bridge";
import type { Locale } from "../i18n/locale";

/** An error the API reported, in the words it chose (already in the viewer's language). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly field?: string | null,
  ) {
    super(message);
  }
}

export type MutationError = { field?: string | null; message: string; code?: string };

/** `<prefix>/dashboard/…` → `<prefix>/graphql/`: the page and the API share the plugin's route,
 * so the same bundle works under either prefix and no CORS is involved. */
export function apiUrl(pathname: string = window.location.pathname): string {
  const at = pathname.lastIndexOf("/dashboard/");
  const prefix = at >= 0 ? pathname.slice(0, at) : pathname.replace(/\/dashboard$/, "");
  return `${prefix}/graphql/`;
}

let language: Locale = "en";
export function setApiLanguage(locale: Locale): void {
  language = locale;
}

type Body = { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };

async function post(query: string, variables: Record<string, unknown>, token: string | undefined): Promise<Response> {
  return fetch(apiUrl(), {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "Accept-Language": language,
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
}

/** Runs one operation with the token the dashboard gave most recently. An expired token is
 * renewed once through a new handshake and the request repeated. */
export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  let response = await post(query, variables, currentToken());
  if (response.status === 401) {
    const renewed = await requestNewToken();
    response = await post(query, variables, renewed);
  }
  let body: Body;
  try {
    body = (await response.json()) as Body;
  } catch {
    throw new ApiError(`HTTP ${response.status}`);
  }
  if (body.errors?.length) {
    const [first] = body.errors;
    throw new ApiError(first.message, first.extensions?.code);
  }
  return (body.data ?? {}) as T;
}

/** Runs a mutation and throws its first `errors[]` entry: every screen shows it in place. */
export async function mutate<T extends { errors: MutationError[] }>(
  name: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const data = await graphql<Record<string, T>>(query, variables);
  const payload = data[name];
  if (payload?.errors?.length) {
    const [first] = payload.errors;
    throw new ApiError(first.message, first.code, first.field);
  }
  return payload;
}

/** A mutation with one file, as the GraphQL multipart request spec (and the plugin) expect it. */
export async function uploadMutation<T extends { errors: MutationError[] }>(
  name: string,
  query: string,
  variable: string,
  file: File,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const send = (token: string | undefined) => {
    const form = new FormData();
    form.append("operations", JSON.stringify({ query, variables: { ...variables, [variable]: null } }));
    form.append("map", JSON.stringify({ "0": [`variables.${variable}`] }));
    form.append("0", file, file.name);
    return fetch(apiUrl(), {
      method: "POST",
      headers: { "Accept-Language": language, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: form,
    });
  };
  let response = await send(currentToken());
  if (response.status === 401) response = await send(await requestNewToken());
  const body = (await response.json()) as Body;
  if (body.errors?.length) throw new ApiError(body.errors[0].message, body.errors[0].extensions?.code);
  const payload = (body.data ?? {})[name] as T;
  if (payload?.errors?.length) {
    const [first] = payload.errors;
    throw new ApiError(first.message, first.code, first.field);
  }
  return payload;
}
