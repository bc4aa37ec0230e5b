import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import { graphql } from "../api/client";
import { redirectInDashboard } from "../bridge/bridge";
import { ChoiceField, DateField, FilterBar, useFilters } from "../components/lists";
import { Card, downloadCsv, EmptyRow, ErrorNotice, Field, MoneyText, Table } from "../components/ui";
import { formatDateTime, type Money } from "../format";
import { nodes, useLoad, type Connection } from "../hooks";
import { useI18n, type MessageKey } from "../i18n/i18n";

type Commission = {
  id: string;
  orderId: string;
  orderNumber: string;
  level: number;
  distributor: { id: string; code: string; name: string };
  productName: string;
  quantity: number;
  rate: string;
  base: Money;
  accrued: Money;
  reversed: Money;
  amount: Money;
  status: string;
  placedAt: string;
  earnedAt: string | null;
};
type Total = { currency: string; status: string; count: number; amount: Money };
type Filters = { status: string; level: string; distributor: string; orderNumber: string; from: string; to: string };

const FIELDS = `id orderId orderNumber level distributor { id code name } productName quantity rate
  base { amount currency } accrued { amount currency } reversed { amount currency } amount { amount currency }
  status placedAt earnedAt`;
const LIST = `query Commissions($filter: CommissionFilterInput) {
  commissions(first: 50, filter: $filter) { totalCount edges { node { ${FIELDS} } } }
}`;
// The filter's totals and its CSV take the same filter as the list.
const TOTALS = `query CommissionTotals($filter: CommissionFilterInput) {
  commissionTotals(filter: $filter) { currency status count amount { amount currency } }
}`;
const CSV = `query CommissionsCsv($filter: CommissionFilterInput) { commissionsCsv(filter: $filter) { filename content rows } }`;
const DISTRIBUTOR = `query DistributorByCode($code: String!) { distributor(code: $code) { id } }`;

async function buildFilter(filters: Filters): Promise<Record<string, unknown>> {
  const filter: Record<string, unknown> = {};
  if (filters.status) filter.status = [filters.status];
  if (filters.orderNumber) filter.orderNumber = filters.orderNumber;
  if (filters.level) filter.level = [Number(filters.level)];
  if (filters.from || filters.to) {
    filter.dateRange = {
      gte: filters.from ? `${filters.from}T00:00:00Z` : null,
      lte: filters.to ? `${filters.to}T23:59:59Z` : null,
    };
  }
  if (filters.distributor) {
    const found = await graphql<{ distributor: { id: string } | null }>(DISTRIBUTOR, { code: filters.distributor });
    filter.distributor = found.distributor?.id ?? "none";
  }
  return filter;
}

type Loaded = { rows: Commission[]; total: number; totals: Total[] };

async function load(filters: Filters): Promise<Loaded> {
  const filter = await buildFilter(filters);
  const [list, totals] = await Promise.all([
    graphql<{ commissions: Connection<Commission> }>(LIST, { filter }),
    graphql<{ commissionTotals: Total[] }>(TOTALS, { filter }),
  ]);
  return { rows: nodes(list.commissions), total: list.commissions.totalCount ?? 0, totals: totals.commissionTotals };
}

export function Commissions() {
  const { t, locale } = useI18n();
  const { draft, filters, set, apply } = useFilters<Filters>({ status: "", level: "", distributor: "", orderNumber: "", from: "", to: "" });
  const [exportError, setExportError] = useState<unknown>(null);
  const { data, error } = useLoad(() => load(filters), JSON.stringify(filters));

  return (
    <Box data-testid="screen-commissions">
      <Text as="h1" size={7} fontWeight="bold" display="block" marginBottom={4}>
        {t("commissions.title")}
      </Text>
      <FilterBar
        onSearch={apply}
        actions={
          <Button
            type="button"
            size="small"
            variant="secondary"
            onClick={async () => {
              setExportError(null);
              try {
                const answer = await graphql<{ commissionsCsv: { filename: string; content: string } }>(CSV, {
                  filter: await buildFilter(filters),
                });
                downloadCsv(answer.commissionsCsv);
              } catch (caught) {
                setExportError(caught);
              }
            }}
          >
            {t("commissions.export")}
          </Button>
        }
      >
        <ChoiceField
          label={t("distributors.status")}
          value={draft.status}
          onChange={set("status")}
          choices={["PENDING", "PARTIALLY_REVERSED", "REVERSED", "ZERO"].map((status) => ({
            value: status,
            label: t(`status.commission.${status}` as MessageKey),
          }))}
        />
        <ChoiceField
          label={t("commissions.level")}
          value={draft.level}
          onChange={set("level")}
          choices={[1, 2, 3].map((level) => ({ value: level, label: t("commissions.levelN", { level }) }))}
        />
        <Field label={t("commissions.distributorCode")}>
          <input value={draft.distributor} onChange={set("distributor")} />
        </Field>
        <Field label={t("commissions.orderNumber")}>
          <input value={draft.orderNumber} onChange={set("orderNumber")} />
        </Field>
        <DateField label={t("overview.from")} value={draft.from} onChange={set("from")} />
        <DateField label={t("overview.to")} value={draft.to} onChange={set("to")} />
      </FilterBar>
      <ErrorNotice error={error} />
      <ErrorNotice error={exportError} />
      <Card title={t("commissions.totals", { count: data?.total ?? 0 })}>
        <Box display="flex" gap={4} flexWrap="wrap" data-testid="commission-totals">
          {data?.totals.map((total) => (
            <Text key={`${total.currency}-${total.status}`} size={3}>
              {t(`status.commission.${total.status}` as MessageKey)} · {total.count} · <MoneyText money={total.amount} />
            </Text>
          ))}
        </Box>
      </Card>
      <Table
        columns={[
          t("commissions.orderNumber"),
          t("commissions.product"),
          t("commissions.level"),
          t("commissions.distributor"),
          t("commissions.base"),
          t("commissions.rate"),
          t("commissions.accrued"),
          t("commissions.reversed"),
          t("commissions.amount"),
          t("distributors.status"),
          t("commissions.placedAt"),
        ]}
      >
        {data?.rows.length === 0 && <EmptyRow span={11} />}
        {data?.rows.map((commission) => (
          <tr key={commission.id} data-testid="commission-row">
            <td>
              {/* Saleor's own order page, in the dashboard around this frame. */}
              <a
                href={`#/commissions`}
                onClick={(event) => {
                  event.preventDefault();
                  redirectInDashboard(`/orders/${encodeURIComponent(btoa(`Order:${commission.orderId}`))}`);
                }}
              >
                #{commission.orderNumber}
              </a>
            </td>
            <td>
              <Text size={2}>
                {commission.productName} × {commission.quantity}
              </Text>
            </td>
            <td>
              <Text size={2}>{t("commissions.levelN", { level: commission.level })}</Text>
            </td>
            <td>
              <Text size={2}>
                {commission.distributor.code} {commission.distributor.name}
              </Text>
            </td>
            <td>
              <MoneyText money={commission.base} />
            </td>
            <td>
              <Text size={2}>{commission.rate}%</Text>
            </td>
            <td>
              <MoneyText money={commission.accrued} />
            </td>
            <td>
              <MoneyText money={commission.reversed} />
            </td>
            <td>
              <MoneyText money={commission.amount} />
            </td>
            <td>
              <Text size={2}>{t(`status.commission.${commission.status}` as MessageKey)}</Text>
            </td>
            <td>
              <Text size={2}>{formatDateTime(commission.placedAt, locale)}</Text>
            </td>
          </tr>
        ))}
      </Table>
    </Box>
  );
}
