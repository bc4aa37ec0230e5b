import { createContext, useContext, type ReactNode } from "react";

import en from "./en.json";
import zhHans from "./zh-Hans.json";
import type { Locale } from "./locale";

export type MessageKey = keyof typeof en;
export const catalogues: Record<Locale, Record<MessageKey, string>> = { en, "zh-Hans": zhHans };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const catalogue = catalogues[locale];
  return (key, values) => {
    const text = catalogue[key] ?? en[key] ?? key;
    return values ? text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? `{${name}}`)) : text;
  };
}

type I18n = { locale: Locale; t: Translate };
const I18nContext = createContext<I18n>({ locale: "en", t: translator("en") });

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  return <I18nContext.Provider value={{ locale, t: translator(locale) }}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
