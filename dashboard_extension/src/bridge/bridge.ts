import { AppBridge, actions } from "@saleor/app-sdk/app-bridge";
import { useEffect, useState } from "react";

import { normaliseLocale, type Locale } from "../i18n/locale";

/** One AppBridge for the page's lifetime: a second instance would answer the handshake twice. */
let bridge: AppBridge | null = null;

export function getBridge(): AppBridge | null {
  if (bridge === null && typeof window !== "undefined" && window.parent !== window) {
    bridge = new AppBridge({ autoNotifyReady: true });
  }
  return bridge;
}

/** The token to send now: read at request time, because `tokenRefresh` replaces it without a
 * re-render (the dashboard's tokens live five minutes). */
export function currentToken(): string | undefined {
  return getBridge()?.getState().token;
}

export type BridgeView = {
  ready: boolean;
  token?: string;
  locale: Locale;
  theme: "light" | "dark";
};

function snapshot(): BridgeView {
  const state = getBridge()?.getState();
  const theme = state?.theme ?? new URLSearchParams(window.location.search).get("theme");
  return {
    ready: Boolean(state?.ready && state.token),
    token: state?.token,
    locale: normaliseLocale(state?.locale),
    theme: theme === "dark" ? "dark" : "light",
  };
}

/** The bridge's state as React state. useAppBridge() does not re-render on `localeChanged` or
 * `tokenRefresh`, so every event that changes what the page shows is subscribed to here. */
export function useBridgeView(): BridgeView {
  const [view, setView] = useState<BridgeView>(snapshot);
  useEffect(() => {
    const appBridge = getBridge();
    if (!appBridge) return;
    const update = () => setView(snapshot());
    const unsubscribers = [
      appBridge.subscribe("handshake", update),
      appBridge.subscribe("tokenRefresh", update),
      appBridge.subscribe("localeChanged", update),
      appBridge.subscribe("theme", update),
    ];
    update();
    return () => unsubscribers.forEach((unsubscribe) => unsubscribe());
  }, []);
  return view;
}

/** Asks the dashboard for a fresh handshake (app-sdk #225): the only way an app gets a new
 * token when the one it holds has expired. */
export function requestNewToken(): Promise<string | undefined> {
  const appBridge = getBridge();
  if (!appBridge) return Promise.resolve(undefined);
  const before = appBridge.getState().token;
  return new Promise((resolve) => {
    const done = (token?: string) => {
      unsubscribeHandshake();
      unsubscribeRefresh();
      clearTimeout(timer);
      resolve(token);
    };
    const unsubscribeHandshake = appBridge.subscribe("handshake", ({ token }) => done(token));
    const unsubscribeRefresh = appBridge.subscribe("tokenRefresh", ({ token }) => done(token));
    const timer = setTimeout(() => done(before), 5000);
    appBridge.sendNotifyReadyAction();
  });
}

export function notify(status: "success" | "error", title: string, text?: string): void {
  // Never the token in an action: the SDK posts actions to "*".
  getBridge()
    ?.dispatch(actions.Notification({ status, title, text }))
    .catch(() => undefined);
}

export function redirectInDashboard(to: string): void {
  getBridge()
    ?.dispatch(actions.Redirect({ to }))
    .catch(() => undefined);
}

export function reportRoute(newRoute: string): void {
  getBridge()
    ?.dispatch(actions.UpdateRouting({ newRoute }))
    .catch(() => undefined);
}
