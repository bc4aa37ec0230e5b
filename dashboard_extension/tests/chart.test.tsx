// @vitest-environment jsdom
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { I18nProvider } from "../src/i18n/i18n";
import { DailyChart } from "../src/screens/Overview";

afterEach(cleanup);

const day = (date: string, sales: string, commission: string) => ({
  date,
  referredSales: { amount: sales, currency: "CNY" },
  commission: { amount: commission, currency: "CNY" },
});

function heights() {
  const chart = screen.getByRole("img");
  return [...chart.children].map((column) =>
    [...column.children].map((bar) => (bar as HTMLElement).style.height),
  );
}

describe("the overview's daily chart", () => {
  it("scales the stacked bars by the busiest day's sales plus commission", () => {
    render(
      <I18nProvider locale="en">
        <DailyChart daily={[day("2026-03-01", "900.00", "100.00"), day("2026-03-02", "500.00", "50.00")]} />
      </I18nProvider>,
    );
    // Day A's stack (900 + 100) is the tallest: it reaches exactly the top, no further.
    expect(heights()).toEqual([
      ["90%", "10%"],
      ["50%", "5%"],
    ]);
  });

  it("draws no bar for a day without sales or commission", () => {
    render(
      <I18nProvider locale="en">
        <DailyChart daily={[day("2026-03-01", "0.00", "0.00"), day("2026-03-02", "300.00", "0.00")]} />
      </I18nProvider>,
    );
    expect(heights()).toEqual([[], ["100%"]]);
  });
});
