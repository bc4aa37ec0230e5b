import { useEffect, useState } from "react";

export type Route = { path: string; params: URLSearchParams; segments: string[] };

/** Hash routes (`#/payouts`, `#/distributors/<id>`, `#/widgets/order?orderId=…`): the manifest's
 * extension URLs, which survive the query string Saleor appends to the iframe's URL. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, "") || "/overview";
  const [path, query = ""] = raw.split("?", 2);
  const params = new URLSearchParams(query);
  // The dashboard passes entity ids in the iframe's own query string.
  new URLSearchParams(window.location.search).forEach((value, key) => {
    if (!params.has(key)) params.set(key, value);
  });
  return { path, params, segments: path.split("/").filter(Boolean) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

export function navigate(path: string): void {
  window.location.hash = `#${path}`;
}
