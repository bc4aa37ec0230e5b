import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import { graphql, mutate, uploadMutation, type MutationError } from "../api/client";
import { Card, downloadCsv, ErrorNotice, Field, MoneyText } from "../components/ui";
import { formatDateTime, type Money } from "../format";
import { useI18n } from "../i18n/i18n";

/** The files finance exchanges with the bank and the tax office, below the payout queue. */

const BATCH_CREATE = `mutation BatchCreate { payoutBatchCreate { errors { field message code } batch { id } export { filename content rows } } }`;
const BATCH_CSV = `query BatchCsv($id: ID!) { payoutBatch(id: $id) { transfersCsv { filename content rows } } }`;
const RECONCILE = `mutation Reconcile($file: Upload!) { payoutBulkMarkPaid(file: $file) {
  errors { field message code } results { line outcome errors { message } } } }`;
const TAX_EXPORT = `mutation TaxExport($month: Date!) { taxWithholdingExport(month: $month) {
  errors { field message code } export { filename content rows } } }`;

type Result = { errors: MutationError[] };
export type BulkResult = Result & { results: { line: number; outcome: string; errors: { message: string }[] }[] };
export type Batch = { id: string; method: string | null; currency: string | null; createdAt: string; payoutCount: number; totals: Money[] };

export function PayoutFiles({
  batches,
  onReport,
  onChanged,
}: {
  batches: Batch[];
  onReport: (results: BulkResult["results"]) => void;
  onChanged: (message: string) => void;
}) {
  const { t, locale } = useI18n();
  const [month, setMonth] = useState(() => new Date().toISOString().slice(0, 7));
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = async (action: () => Promise<void>) => {
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    }
  };
  const after = onChanged;
  const setReport = onReport;
  return (
    <>
      <ErrorNotice error={error} />
      <Box display="grid" gap={4} marginTop={6} className="wfx-grid">
        <Card title={t("payouts.batches")}>
          <Button
            size="small"
            onClick={() =>
              run(async () => {
                const payload = await mutate<Result & { export: { filename: string; content: string } | null }>(
                  "payoutBatchCreate",
                  BATCH_CREATE,
                  {},
                );
                if (payload.export) downloadCsv(payload.export);
                after(t("payouts.batchCreated"));
              })
            }
          >
            {t("payouts.createBatch")}
          </Button>
          {batches.map((batch) => (
            <Box key={batch.id} display="flex" gap={2} alignItems="center" marginTop={2}>
              <Text size={2}>
                {formatDateTime(batch.createdAt, locale)} · {t("payouts.batchCount", { count: batch.payoutCount })} ·{" "}
                {batch.totals.map((total) => <MoneyText key={total.currency} money={total} />)}
              </Text>
              <Button
                size="small"
                variant="secondary"
                onClick={() =>
                  run(async () => {
                    const answer = await graphql<{ payoutBatch: { transfersCsv: { filename: string; content: string } } }>(BATCH_CSV, {
                      id: batch.id,
                    });
                    downloadCsv(answer.payoutBatch.transfersCsv);
                  })
                }
              >
                {t("payouts.download")}
              </Button>
            </Box>
          ))}
        </Card>
        <Card title={t("payouts.reconcile")}>
          <Text size={2} display="block" marginBottom={2}>
            {t("payouts.reconcileHelp")}
          </Text>
          <input type="file" accept=".csv,text/csv" aria-label={t("payouts.reconcile")} onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
          <Button
            size="small"
            disabled={!file}
            onClick={() =>
              run(async () => {
                const payload = await uploadMutation<BulkResult>("payoutBulkMarkPaid", RECONCILE, "file", file!);
                setReport(payload.results);
                after(t("payouts.reconciled"));
              })
            }
          >
            {t("payouts.upload")}
          </Button>
        </Card>
        <Card title={t("payouts.taxExport")}>
          <Field label={t("payouts.taxMonth")}>
            <input type="month" value={month} onChange={(event) => setMonth(event.target.value)} />
          </Field>
          <Button
            size="small"
            onClick={() =>
              run(async () => {
                const payload = await mutate<Result & { export: { filename: string; content: string } | null }>(
                  "taxWithholdingExport",
                  TAX_EXPORT,
                  { month: `${month}-01` },
                );
                if (payload.export) downloadCsv(payload.export);
              })
            }
          >
            {t("payouts.exportTax")}
          </Button>
        </Card>
      </Box>
    </>
  );
}
