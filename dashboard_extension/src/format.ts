import type { Locale } from "./i18n/locale";

export type Money = { amount: string; currency: string };

/** Money exactly as the API sent it: the decimal string goes to Intl untouched (never through a
 * float), with the currency's own number of decimals. */
export function formatMoney(money: Money | null | undefined, locale: Locale): string {
  if (!money) return "—";
  const formatter = new Intl.NumberFormat(locale === "zh-Hans" ? "zh-CN" : "en-US", {
    style: "currency",
    currency: money.currency,
  });
  // Intl.NumberFormat v3 formats decimal strings without converting to binary floating point.
  return formatter.format(money.amount as unknown as number);
}

export function formatDateTime(value: string | null | undefined, locale: Locale): string {
  if (!value) return "—";
  return new Intl.DateTimeFormat(locale === "zh-Hans" ? "zh-CN" : "en-GB", {
    dateStyle: "medium",
    timeStyle: "short",
  }).format(new Date(value));
}

export function formatDate(value: string | null | undefined, locale: Locale): string {
  if (!value) return "—";
  return new Intl.DateTimeFormat(locale === "zh-Hans" ? "zh-CN" : "en-GB", { dateStyle: "medium" }).format(
    new Date(value),
  );
}
