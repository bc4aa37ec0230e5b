export type Locale = "en" | "zh-Hans";

/** The dashboard sends whatever its user chose ("zh-Hans", "zh-Hant", "zh_CN", "ZH"…): every
 * Chinese variant reads the Simplified catalogue, anything else the English one. */
export function normaliseLocale(locale: string | null | undefined): Locale {
  return locale && locale.toLowerCase().startsWith("zh") ? "zh-Hans" : "en";
}
