import { describe, expect, it } from "vitest";

import { formatMoney } from "../src/format";

describe("formatMoney", () => {
  it("shows yuan with the currency's two decimals in both languages", () => {
    expect(formatMoney({ amount: "1234.5", currency: "CNY" }, "en")).toBe("CN¥1,234.50");
    expect(formatMoney({ amount: "1234.5", currency: "CNY" }, "zh-Hans")).toBe("¥1,234.50");
  });

  it("keeps every digit of a large amount (no binary floating point on the way)", () => {
    // 9007199254740993 is not representable as a double: a float would print ...992.
    expect(formatMoney({ amount: "9007199254740993.01", currency: "USD" }, "en")).toBe("$9,007,199,254,740,993.01");
  });

  it("uses the currency's own decimals: none for yen", () => {
    expect(formatMoney({ amount: "1500", currency: "JPY" }, "en")).toBe("¥1,500");
  });

  it("shows negative balances (a clawback after a payout) with their sign", () => {
    expect(formatMoney({ amount: "-59.80", currency: "CNY" }, "zh-Hans")).toBe("-¥59.80");
  });

  it("shows a dash for money the API did not send (tax not yet computed)", () => {
    expect(formatMoney(null, "en")).toBe("—");
  });
});
