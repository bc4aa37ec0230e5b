import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import { graphql } from "../api/client";
import { Card, ErrorNotice, Field, MoneyText, Stat, Table } from "../components/ui";
import { formatDate, formatMoney, type Money } from "../format";
import { useLoad } from "../hooks";
import { useI18n, type MessageKey } from "../i18n/i18n";
import { navigate } from "../router";

type Statistics = {
  activeDistributors: number;
  newApplications: number;
  referredOrders: number;
  referredSales: Money;
  commissionAccrued: Money;
  commissionReversed: Money;
  commissionPaid: Money;
  payoutsWaitingCount: number;
  payoutsWaitingAmount: Money;
  daily: { date: string; referredSales: Money; commission: Money }[];
  topDistributors: { distributor: { id: string; code: string; name: string }; sales: Money; commission: Money }[];
  todo: { queue: string; count: number }[];
};

const M = "{ amount currency }";
const STATISTICS = `query Statistics($currency: String!, $from: Date!, $to: Date!) {
  statistics(currency: $currency, dateFrom: $from, dateTo: $to) {
    activeDistributors newApplications referredOrders referredSales ${M}
    commissionAccrued ${M} commissionReversed ${M} commissionPaid ${M}
    payoutsWaitingCount payoutsWaitingAmount ${M}
    daily { date referredSales ${M} commission ${M} }
    topDistributors(first: 10) { distributor { id code name } sales ${M} commission ${M} }
    todo { queue count }
  }
}`;

const QUEUE_ROUTES: Record<string, { path: string; label: MessageKey }> = {
  APPLICATIONS: { path: "/applications", label: "overview.todo.APPLICATIONS" },
  PAYOUTS_TO_APPROVE: { path: "/payouts", label: "overview.todo.PAYOUTS_TO_APPROVE" },
  PAYOUTS_TO_PAY: { path: "/payouts", label: "overview.todo.PAYOUTS_TO_PAY" },
  FRAUD_REVIEW: { path: "/distributors", label: "overview.todo.FRAUD_REVIEW" },
};

async function load(currency: string, from: string, to: string): Promise<Statistics> {
  return (await graphql<{ statistics: Statistics }>(STATISTICS, { currency, from, to })).statistics;
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

type Day = Statistics["daily"][number];

/** Each day's two stacked bars as shares of the chart's height: the busiest day is the one whose
 * sales and commission together are highest, so its stack reaches exactly the top. */
function stackShares(daily: Day[]): { sales: number; commission: number }[] {
  const amounts = daily.map((day) => ({ sales: Number(day.referredSales.amount), commission: Number(day.commission.amount) }));
  const highest = Math.max(0, ...amounts.map((day) => day.sales + day.commission));
  // Multiplying first keeps round figures round (900 of 1,000 is 90, not 90.00000000000001).
  const share = (amount: number) => (highest > 0 ? (amount * 100) / highest : 0);
  return amounts.map((day) => ({ sales: share(day.sales), commission: share(day.commission) }));
}

export function DailyChart({ daily }: { daily: Day[] }) {
  const { t, locale } = useI18n();
  const shares = stackShares(daily);
  return (
    <Card title={t("overview.chart")}>
      <div className="wfx-chart" role="img" aria-label={t("overview.chart")}>
        {daily.map((day, index) => (
          <Box key={day.date} display="flex" flexDirection="column" justifyContent="flex-end" height="100%" flexGrow="1">
            {/* Heights are a picture, not money: the exact figures are in each bar's title. A
                zero draws nothing (a bar's minimum height would poke above the busiest day). */}
            {shares[index].sales > 0 && (
              <div
                style={{ height: `${shares[index].sales}%` }}
                title={`${formatDate(day.date, locale)} ${formatMoney(day.referredSales, locale)}`}
              />
            )}
            {shares[index].commission > 0 && (
              <div
                className="commission"
                style={{ height: `${shares[index].commission}%` }}
                title={`${formatDate(day.date, locale)} ${formatMoney(day.commission, locale)}`}
              />
            )}
          </Box>
        ))}
      </div>
      <Text size={2} color="default2">
        {t("overview.chartLegend")}
      </Text>
    </Card>
  );
}

export function Overview() {
  const { t } = useI18n();
  const today = new Date();
  const [currency, setCurrency] = useState("CNY");
  const [from, setFrom] = useState(isoDay(new Date(today.getTime() - 29 * 86400000)));
  const [to, setTo] = useState(isoDay(today));
  const { data: stats, error } = useLoad(() => load(currency, from, to), `${currency}|${from}|${to}`);

  return (
    <Box data-testid="screen-overview">
      <Text as="h1" size={7} fontWeight="bold" display="block" marginBottom={4}>
        {t("overview.title")}
      </Text>
      <Box className="wfx-bar">
        <Field label={t("overview.currency")}>
          <select value={currency} onChange={(event) => setCurrency(event.target.value)}>
            {["CNY", "USD", "EUR", "HKD"].map((code) => (
              <option key={code}>{code}</option>
            ))}
          </select>
        </Field>
        <Field label={t("overview.from")}>
          <input type="date" value={from} onChange={(event) => setFrom(event.target.value)} />
        </Field>
        <Field label={t("overview.to")}>
          <input type="date" value={to} onChange={(event) => setTo(event.target.value)} />
        </Field>
      </Box>
      <ErrorNotice error={error} />
      <Card title={t("overview.todoTitle")}>
        <Box display="flex" gap={2} flexWrap="wrap" data-testid="todo">
          {(stats?.todo ?? []).map((item) => {
            const route = QUEUE_ROUTES[item.queue];
            return (
              <Button key={item.queue} variant="secondary" onClick={() => navigate(route?.path ?? "/overview")}>
                {route ? t(route.label) : item.queue}: {item.count}
              </Button>
            );
          })}
        </Box>
      </Card>
      {stats && (
        <>
          <div className="wfx-grid">
            <Stat label={t("overview.activeDistributors")} value={stats.activeDistributors} />
            <Stat label={t("overview.newApplications")} value={stats.newApplications} />
            <Stat label={t("overview.referredOrders")} value={stats.referredOrders} />
            <Stat label={t("overview.referredSales")} value={<MoneyText money={stats.referredSales} />} />
            <Stat label={t("overview.commissionAccrued")} value={<MoneyText money={stats.commissionAccrued} />} />
            <Stat label={t("overview.commissionReversed")} value={<MoneyText money={stats.commissionReversed} />} />
            <Stat label={t("overview.commissionPaid")} value={<MoneyText money={stats.commissionPaid} />} />
            <Stat
              label={t("overview.payoutsWaiting")}
              value={
                <>
                  {stats.payoutsWaitingCount} · <MoneyText money={stats.payoutsWaitingAmount} />
                </>
              }
            />
          </div>
          <Box marginTop={4}>
            <DailyChart daily={stats.daily} />
          </Box>
          <Card title={t("overview.top")}>
            <Table columns={[t("distributors.code"), t("distributors.name"), t("overview.sales"), t("overview.commission")]}>
              {stats.topDistributors.map((top) => (
                <tr key={top.distributor.id}>
                  <td>
                    <a href={`#/distributors/${encodeURIComponent(top.distributor.id)}`}>{top.distributor.code}</a>
                  </td>
                  <td>{top.distributor.name}</td>
                  <td>
                    <MoneyText money={top.sales} />
                  </td>
                  <td>
                    <MoneyText money={top.commission} />
                  </td>
                </tr>
              ))}
            </Table>
          </Card>
        </>
      )}
    </Box>
  );
}
