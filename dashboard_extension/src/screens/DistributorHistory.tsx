import type { ReactNode } from "react";

import { graphql } from "../api/client";
import { Card, EmptyRow, ErrorNotice, MoneyText, Table } from "../components/ui";
import { formatDateTime, type Money } from "../format";
import { nodes, useLoad, type Connection } from "../hooks";
import { useI18n, type MessageKey } from "../i18n/i18n";

/** A distributor's commissions, ledger and payouts: each section loads on its own, so a token
 * without one of their permissions still sees the others (and the reason for the missing one). */

const M = "{ amount currency }";
const COMMISSIONS = `query Commissions($id: ID!) { commissions(first: 30, filter: {distributor: $id}) { edges { node {
  id orderNumber level productName amount ${M} status placedAt } } } }`;
const LEDGER = `query Ledger($id: ID!) { ledger(distributor: $id, first: 30) { edges { node { id bucket kind amount ${M} orderNumber actor reason createdAt } } } }`;
const PAYOUTS = `query Payouts($id: ID!) { payouts(first: 30, filter: {distributor: $id}) { edges { node { id status amount ${M} net ${M} method createdAt } } } }`;

export function Section<T>({ title, load, id, render }: { title: string; load: (id: string) => Promise<T>; id: string; render: (data: T) => ReactNode }) {
  const { data, error } = useLoad(() => load(id), id);
  return (
    <Card title={title}>
      <ErrorNotice error={error} />
      {data && render(data)}
    </Card>
  );
}

export function DistributorHistory({ id }: { id: string }) {
  const { t, locale } = useI18n();
  return (
    <>
      <Section
        title={t("nav.commissions")}
        id={id}
        load={(value) => graphql<{ commissions: Connection<{ id: string; orderNumber: string; level: number; productName: string; amount: Money; status: string; placedAt: string }> }>(COMMISSIONS, { id: value })}
        render={(answer) => (
          <Table columns={[t("commissions.orderNumber"), t("commissions.product"), t("commissions.level"), t("commissions.amount"), t("distributors.status"), t("commissions.placedAt")]}>
            {nodes(answer.commissions).length === 0 && <EmptyRow span={6} />}
            {nodes(answer.commissions).map((row) => (
              <tr key={row.id}>
                <td>#{row.orderNumber}</td>
                <td>{row.productName}</td>
                <td>{t("commissions.levelN", { level: row.level })}</td>
                <td>
                  <MoneyText money={row.amount} />
                </td>
                <td>{t(`status.commission.${row.status}` as MessageKey)}</td>
                <td>{formatDateTime(row.placedAt, locale)}</td>
              </tr>
            ))}
          </Table>
        )}
      />
      <Section
        title={t("distributor.ledger")}
        id={id}
        load={(value) => graphql<{ ledger: Connection<{ id: string; bucket: string; kind: string; amount: Money; orderNumber: string | null; actor: string; reason: string; createdAt: string }> }>(LEDGER, { id: value })}
        render={(answer) => (
          <Table columns={[t("distributor.when"), t("distributor.kind"), t("distributor.bucket"), t("payouts.amount"), t("commissions.orderNumber"), t("distributor.actor")]}>
            {nodes(answer.ledger).length === 0 && <EmptyRow span={6} />}
            {nodes(answer.ledger).map((entry) => (
              <tr key={entry.id}>
                <td>{formatDateTime(entry.createdAt, locale)}</td>
                <td>{entry.kind}</td>
                <td>{entry.bucket}</td>
                <td>
                  <MoneyText money={entry.amount} />
                </td>
                <td>{entry.orderNumber ?? "—"}</td>
                <td>
                  {entry.actor} {entry.reason}
                </td>
              </tr>
            ))}
          </Table>
        )}
      />
      <Section
        title={t("nav.payouts")}
        id={id}
        load={(value) => graphql<{ payouts: Connection<{ id: string; status: string; amount: Money; net: Money | null; method: string; createdAt: string }> }>(PAYOUTS, { id: value })}
        render={(answer) => (
          <Table columns={[t("payouts.requestedAt"), t("payouts.amount"), t("payouts.net"), t("payouts.method"), t("distributors.status")]}>
            {nodes(answer.payouts).length === 0 && <EmptyRow span={5} />}
            {nodes(answer.payouts).map((row) => (
              <tr key={row.id}>
                <td>{formatDateTime(row.createdAt, locale)}</td>
                <td>
                  <MoneyText money={row.amount} />
                </td>
                <td>
                  <MoneyText money={row.net} />
                </td>
                <td>{t(`method.${row.method}` as MessageKey)}</td>
                <td>{t(`status.payout.${row.status}` as MessageKey)}</td>
              </tr>
            ))}
          </Table>
        )}
      />
    </>
  );
}
