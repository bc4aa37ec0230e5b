import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

import en from "../src/i18n/en.json";
import zhHans from "../src/i18n/zh-Hans.json";
import { normaliseLocale } from "../src/i18n/locale";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

function sources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(directory, entry.name)) : entry.name.endsWith(".tsx") || entry.name.endsWith(".ts") ? [join(directory, entry.name)] : [],
  );
}

describe("catalogues", () => {
  it("have the same keys", () => {
    expect(Object.keys(zhHans).sort()).toEqual(Object.keys(en).sort());
  });

  it("translate every string into Chinese with the same placeholders", () => {
    for (const [key, text] of Object.entries(en)) {
      const chinese = (zhHans as Record<string, string>)[key];
      expect(chinese, key).toBeTruthy();
      expect(placeholders(chinese), key).toEqual(placeholders(text));
      if (/[a-z]{4,}/i.test(text.replace(/\{\w+\}/g, ""))) expect(chinese, key).not.toBe(text);
    }
  });

  it("hold every key the pages ask for", () => {
    const used = new Set<string>();
    for (const file of sources(join(__dirname, "../src"))) {
      for (const match of readFileSync(file, "utf8").matchAll(/\bt\("([a-zA-Z0-9_.]+)"/g)) used.add(match[1]);
    }
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((key) => !(key in en))).toEqual([]);
  });
});

describe("normaliseLocale", () => {
  it("reads every Chinese variant in Simplified Chinese and anything else in English", () => {
    expect(["zh-Hans", "zh-Hant", "zh_CN", "ZH", "zh"].map(normaliseLocale)).toEqual(Array(5).fill("zh-Hans"));
    expect(["en", "en-US", "pl", "", undefined, null].map(normaliseLocale)).toEqual(Array(6).fill("en"));
  });
});
