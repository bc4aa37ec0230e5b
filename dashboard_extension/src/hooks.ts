import { useCallback, useEffect, useRef, useState } from "react";

export type Loaded<T> = { data: T | null; error: unknown; loading: boolean; reload: () => void };

/** Loads once per change of `key` and on `reload()`; the last answer wins. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const mine = ++latest.current;
    setLoading(true);
    loadRef
      .current()
      .then((value) => {
        if (mine !== latest.current) return;
        setData(value);
        setError(null);
      })
      .catch((caught) => {
        if (mine === latest.current) setError(caught);
      })
      .finally(() => {
        if (mine === latest.current) setLoading(false);
      });
  }, [key, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data, error, loading, reload };
}

export type Connection<T> = { totalCount?: number; edges: { node: T }[]; pageInfo?: { hasNextPage: boolean; endCursor: string | null } };

export function nodes<T>(connection: Connection<T> | null | undefined): T[] {
  return connection?.edges.map((edge) => edge.node) ?? [];
}
