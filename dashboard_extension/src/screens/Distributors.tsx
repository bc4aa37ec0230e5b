import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import { graphql, uploadMutation, type MutationError } from "../api/client";
import { ChoiceField, DateField, FilterBar, useFilters } from "../components/lists";
import { Card, EmptyRow, ErrorNotice, Field, MoneyText, Table } from "../components/ui";
import { formatDate, type Money } from "../format";
import { nodes, useLoad, type Connection } from "../hooks";
import { useI18n, type MessageKey } from "../i18n/i18n";
import { navigate } from "../router";

type Row = {
  id: string;
  code: string;
  name: string;
  email: string;
  phone: string;
  status: string;
  grade: { name: string } | null;
  gradeLocked: boolean;
  upline: { code: string; name: string } | null;
  directDownlineCount: number;
  createdAt: string;
  teamSize: number;
  monthSales: { currency: string; ownSales: Money }[];
  balances: { currency: string; available: Money }[];
};

const FIELDS = `id code name email phone status grade { name } gradeLocked upline { code name } directDownlineCount createdAt
  teamSize monthSales { currency ownSales { amount currency } } balances { currency available { amount currency } }`;
const LIST = `query Distributors($filter: DistributorFilterInput, $sortBy: DistributorSortingInput) {
  distributors(first: 50, filter: $filter, sortBy: $sortBy) { totalCount edges { node { ${FIELDS} } } }
  grades { id name }
}`;
const UPLINE = `query Upline($code: String!) { distributor(code: $code) { id } }`;
const IMPORT = `mutation Import($file: Upload!, $dryRun: Boolean!) { distributorImport(file: $file, dryRun: $dryRun) {
  errors { field message code } report { rows valid created dryRun createdCodes rowErrors { line field message } } } }`;

type Filters = { search: string; status: string; grade: string; upline: string; joinedFrom: string; joinedTo: string; sort: string };
type ListData = { distributors: Connection<Row>; grades: { id: string; name: string }[] | null };
type ImportReport = { rows: number; valid: number; created: number; dryRun: boolean; createdCodes: string[]; rowErrors: { line: number; field: string; message: string }[] };

async function loadDistributors(filters: Filters): Promise<ListData> {
  const filter: Record<string, unknown> = {};
  if (filters.search) filter.search = filters.search;
  if (filters.status) filter.status = [filters.status];
  if (filters.grade) filter.grade = filters.grade;
  if (filters.upline) {
    const found = await graphql<{ distributor: { id: string } | null }>(UPLINE, { code: filters.upline });
    filter.upline = found.distributor?.id ?? "none";
  }
  if (filters.joinedFrom || filters.joinedTo) {
    filter.joinedAt = { gte: filters.joinedFrom || null, lte: filters.joinedTo || null };
  }
  const [field, direction] = filters.sort.split(":");
  return graphql<ListData>(LIST, { filter, sortBy: field ? { field, direction } : null });
}

function ImportCard() {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const send = async (dryRun: boolean) => {
    setError(null);
    try {
      const payload = await uploadMutation<{ errors: MutationError[]; report: ImportReport }>("distributorImport", IMPORT, "file", file!, {
        dryRun,
      });
      setReport(payload.report);
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <Card title={t("distributors.import")}>
      <Text size={2} display="block" marginBottom={2}>
        {t("distributors.importHelp")}
      </Text>
      <input type="file" accept=".csv,text/csv" aria-label={t("distributors.import")} onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
      <Box display="flex" gap={2} marginTop={2}>
        <Button size="small" variant="secondary" disabled={!file} onClick={() => send(true)}>
          {t("distributors.dryRun")}
        </Button>
        <Button size="small" disabled={!file || !report || !report.dryRun || report.rowErrors.length > 0} onClick={() => send(false)}>
          {t("distributors.importNow")}
        </Button>
      </Box>
      <ErrorNotice error={error} />
      {report && (
        <Box data-testid="import-report" marginTop={2}>
          <Text size={2} display="block">
            {t("distributors.importReport", { rows: report.rows, valid: report.valid, created: report.created })}
          </Text>
          {report.rowErrors.map((rowError) => (
            <Text key={`${rowError.line}-${rowError.field}`} size={2} display="block" color="critical1">
              {t("payouts.line", { line: rowError.line })} · {rowError.field}: {rowError.message}
            </Text>
          ))}
        </Box>
      )}
    </Card>
  );
}

export function Distributors() {
  const { t, locale } = useI18n();
  const { draft, filters, set, apply } = useFilters<Filters>({ search: "", status: "", grade: "", upline: "", joinedFrom: "", joinedTo: "", sort: "" });
  const { data, error } = useLoad(() => loadDistributors(filters), JSON.stringify(filters));
  const rows = nodes(data?.distributors);

  return (
    <Box data-testid="screen-distributors">
      <Text as="h1" size={7} fontWeight="bold" display="block" marginBottom={4}>
        {t("distributors.title")}
      </Text>
      <FilterBar onSearch={apply}>
        <Field label={t("distributors.search")}>
          <input value={draft.search} onChange={set("search")} placeholder={t("distributors.searchHint")} />
        </Field>
        <ChoiceField
          label={t("distributors.status")}
          value={draft.status}
          onChange={set("status")}
          choices={["PENDING", "ACTIVE", "SUSPENDED", "REJECTED"].map((status) => ({
            value: status,
            label: t(`status.distributor.${status}` as MessageKey),
          }))}
        />
        <ChoiceField
          label={t("distributors.grade")}
          value={draft.grade}
          onChange={set("grade")}
          choices={(data?.grades ?? []).map((grade) => ({ value: grade.id, label: grade.name }))}
        />
        <Field label={t("distributors.uplineCode")}>
          <input value={draft.upline} onChange={set("upline")} />
        </Field>
        <DateField label={t("distributors.joinedFrom")} value={draft.joinedFrom} onChange={set("joinedFrom")} />
        <DateField label={t("distributors.joinedTo")} value={draft.joinedTo} onChange={set("joinedTo")} />
        <Field label={t("distributors.sort")}>
          <select value={draft.sort} onChange={set("sort")}>
            <option value="">{t("distributors.sortDefault")}</option>
            <option value="JOINED_AT:DESC">{t("distributors.sortJoined")}</option>
            <option value="MONTH_SALES:DESC">{t("distributors.sortMonthSales")}</option>
            <option value="AVAILABLE_BALANCE:DESC">{t("distributors.sortBalance")}</option>
            <option value="CODE:ASC">{t("distributors.sortCode")}</option>
          </select>
        </Field>
      </FilterBar>
      <ErrorNotice error={error} />
      <Table
        columns={[
          t("distributors.code"),
          t("distributors.name"),
          t("distributors.grade"),
          t("distributors.status"),
          t("distributors.upline"),
          t("distributors.teamSize"),
          t("distributors.monthSales"),
          t("distributors.available"),
          t("distributors.joined"),
        ]}
      >
        {rows.length === 0 && <EmptyRow span={9} />}
        {rows.map((row) => (
          <tr key={row.id} data-testid="distributor-row">
            <td>
              <a href={`#/distributors/${encodeURIComponent(row.id)}`} onClick={(event) => { event.preventDefault(); navigate(`/distributors/${encodeURIComponent(row.id)}`); }}>
                {row.code}
              </a>
            </td>
            <td>
              <Text display="block">{row.name || "—"}</Text>
              <Text size={2} color="default2">
                {row.email} {row.phone}
              </Text>
            </td>
            <td>
              <Text size={2}>
                {row.grade?.name ?? "—"}
                {row.gradeLocked ? ` · ${t("distributors.locked")}` : ""}
              </Text>
            </td>
            <td>
              <Text size={2}>{t(`status.distributor.${row.status}` as MessageKey)}</Text>
            </td>
            <td>
              <Text size={2}>{row.upline ? `${row.upline.code} ${row.upline.name}` : "—"}</Text>
            </td>
            <td>
              <Text size={2}>{row.teamSize}</Text>
            </td>
            <td>
              {row.monthSales.length ? row.monthSales.map((sales) => <MoneyText key={sales.currency} money={sales.ownSales} />) : "—"}
            </td>
            <td>
              {row.balances.length ? row.balances.map((balance) => <MoneyText key={balance.currency} money={balance.available} />) : "—"}
            </td>
            <td>
              <Text size={2}>{formatDate(row.createdAt, locale)}</Text>
            </td>
          </tr>
        ))}
      </Table>
      <Box marginTop={6}>
        <ImportCard />
      </Box>
    </Box>
  );
}
