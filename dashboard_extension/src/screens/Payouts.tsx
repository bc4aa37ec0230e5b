import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import { graphql, mutate, type MutationError } from "../api/client";
import { BulkButton, SelectBox, useSelection } from "../components/lists";
import { ConfirmDialog, EmptyRow, ErrorNotice, MoneyText, Table, Tabs } from "../components/ui";
import { formatDateTime, type Money } from "../format";
import { nodes, useLoad, type Connection } from "../hooks";
import { useI18n, type MessageKey } from "../i18n/i18n";
import { useSession } from "../session";
import { PayoutFiles, type Batch, type BulkResult } from "./PayoutFiles";

const STATUSES = ["REQUESTED", "FIRST_APPROVED", "APPROVED", "EXPORTED", "PAID", "FAILED", "REJECTED", "CANCELLED"] as const;
type Status = (typeof STATUSES)[number];

type Payout = {
  id: string;
  status: Status;
  distributor: { code: string; name: string };
  amount: Money;
  fee: Money;
  tax: Money | null;
  net: Money | null;
  method: "BANK" | "WECHAT" | "ALIPAY";
  payeeName: string;
  account: string;
  bank: string;
  firstApprovedBy: string;
  approvedBy: string;
  rejectionReason: string;
  failureReason: string;
  transferReference: string;
  createdAt: string;
};

const counts = STATUSES.map((status) => `${status}: payouts(first: 1, filter: {status: [${status}]}) { totalCount }`).join("\n");
const LIST = `query Payouts($status: [PayoutStatusEnum!]) {
  list: payouts(first: 50, filter: {status: $status}) {
    totalCount
    edges { node { id status distributor { code name } amount { amount currency } fee { amount currency }
      tax { amount currency } net { amount currency } method payeeName account bank firstApprovedBy approvedBy
      rejectionReason failureReason transferReference createdAt } }
  }
  ${counts}
  payoutBatches(first: 10) { edges { node { id method currency createdAt payoutCount totals { amount currency } } } }
}`;

const PAYOUT_FIELDS = "errors { field message code } payout { id status firstApprovedBy }";
const APPROVE = `mutation PayoutApprove($id: ID!) { payoutApprove(id: $id) { ${PAYOUT_FIELDS} } }`;
const REJECT = `mutation PayoutReject($id: ID!, $reason: String!) { payoutReject(id: $id, reason: $reason) { ${PAYOUT_FIELDS} } }`;
const MARK_PAID = `mutation PayoutMarkPaid($id: ID!, $reference: String!) { payoutMarkPaid(id: $id, transferReference: $reference) { ${PAYOUT_FIELDS} } }`;
const MARK_FAILED = `mutation PayoutMarkFailed($id: ID!, $reason: String!) { payoutMarkFailed(id: $id, reason: $reason) { ${PAYOUT_FIELDS} } }`;
const BULK_APPROVE = `mutation PayoutBulkApprove($ids: [ID!]!) { payoutBulkApprove(ids: $ids) {
  errors { field message code } results { line outcome errors { message } } } }`;
type Result = { errors: MutationError[] };
type Dialog = { kind: "approve" | "reject" | "paid" | "failed"; payout: Payout } | { kind: "bulk" } | null;
type ListData = { list: Connection<Payout>; payoutBatches: Connection<Batch> } & Record<Status, { totalCount: number }>;

function actorIsMe(actor: string, userId: string | undefined): boolean {
  return Boolean(userId) && actor === `user:${userId}`;
}

function BulkReport({ results }: { results: BulkResult["results"] }) {
  const { t } = useI18n();
  return (
    <Box data-testid="bulk-report" marginTop={2}>
      {results.map((result) => (
        <Text key={result.line} size={2} display="block">
          {t("payouts.line", { line: result.line })}: {t(`outcome.${result.outcome}` as MessageKey)}
          {result.errors.length ? ` — ${result.errors.map((error) => error.message).join("; ")}` : ""}
        </Text>
      ))}
    </Box>
  );
}

export function Payouts() {
  const { t, locale } = useI18n();
  const { userId } = useSession();
  const [status, setStatus] = useState<Status>("REQUESTED");
  const [dialog, setDialog] = useState<Dialog>(null);
  const [report, setReport] = useState<BulkResult["results"] | null>(null);
  const { data, error, reload } = useLoad(() => graphql<ListData>(LIST, { status: [status] }), status);
  const rows = nodes(data?.list);
  const selection = useSelection(reload);

  const statusLabel = (value: Status) => t(`status.payout.${value}` as MessageKey);
  const selectable = status === "REQUESTED" || status === "FIRST_APPROVED";

  return (
    <Box data-testid="screen-payouts">
      <Text as="h1" size={7} fontWeight="bold" display="block" marginBottom={4}>
        {t("payouts.title")}
      </Text>
      <Tabs
        value={status}
        onChange={(value) => {
          setStatus(value);
          selection.clear();
        }}
        tabs={STATUSES.map((value) => ({ value, label: statusLabel(value), count: data?.[value]?.totalCount }))}
      />
      {selectable && (
        <Box className="wfx-bar">
          <BulkButton
            label={t("payouts.bulkApprove", { count: selection.selected.length })}
            selection={selection}
            onClick={() => setDialog({ kind: "bulk" })}
          />
        </Box>
      )}
      <ErrorNotice error={error} />
      {report && <BulkReport results={report} />}
      <Table
        columns={[
          "",
          t("payouts.payee"),
          t("payouts.method"),
          t("payouts.account"),
          t("payouts.amount"),
          t("payouts.fee"),
          t("payouts.tax"),
          t("payouts.net"),
          t("payouts.requestedAt"),
          t("payouts.approvers"),
          t("common.actions"),
        ]}
      >
        {rows.length === 0 && <EmptyRow span={11} />}
        {rows.map((payout) => {
          const approvedFirstByMe = payout.status === "FIRST_APPROVED" && actorIsMe(payout.firstApprovedBy, userId);
          return (
            <tr key={payout.id} data-testid="payout-row">
              <td>
                {selectable && !approvedFirstByMe && <SelectBox id={payout.id} label={payout.payeeName} selection={selection} />}
              </td>
              <td>
                <Text display="block">{payout.payeeName}</Text>
                <Text size={2} color="default2">
                  {payout.distributor.code}
                </Text>
              </td>
              <td>
                <Text size={2}>{t(`method.${payout.method}` as MessageKey)}</Text>
              </td>
              <td>
                <Text size={2} display="block">
                  {payout.account}
                </Text>
                <Text size={2}>{payout.bank}</Text>
              </td>
              <td>
                <MoneyText money={payout.amount} />
              </td>
              <td>
                <MoneyText money={payout.fee} />
              </td>
              <td>
                <MoneyText money={payout.tax} />
              </td>
              <td>
                <MoneyText money={payout.net} />
              </td>
              <td>
                <Text size={2}>{formatDateTime(payout.createdAt, locale)}</Text>
              </td>
              <td>
                <Text size={2} display="block">
                  {payout.firstApprovedBy || "—"}
                </Text>
                <Text size={2} display="block">
                  {payout.approvedBy}
                </Text>
                {payout.rejectionReason && <Text size={2}>{payout.rejectionReason}</Text>}
                {payout.failureReason && <Text size={2}>{payout.failureReason}</Text>}
                {payout.transferReference && <Text size={2}>{payout.transferReference}</Text>}
              </td>
              <td>
                <Box display="flex" gap={2} flexWrap="wrap">
                  {(payout.status === "REQUESTED" || payout.status === "FIRST_APPROVED") && (
                    <>
                      <Button
                        size="small"
                        disabled={approvedFirstByMe}
                        onClick={() => setDialog({ kind: "approve", payout })}
                        data-testid="approve"
                      >
                        {payout.status === "FIRST_APPROVED" ? t("payouts.secondApprove") : t("payouts.approve")}
                      </Button>
                      <Button size="small" variant="error" onClick={() => setDialog({ kind: "reject", payout })}>
                        {t("payouts.reject")}
                      </Button>
                    </>
                  )}
                  {(payout.status === "APPROVED" || payout.status === "EXPORTED") && (
                    <Button size="small" onClick={() => setDialog({ kind: "paid", payout })} data-testid="mark-paid">
                      {t("payouts.markPaid")}
                    </Button>
                  )}
                  {payout.status === "EXPORTED" && (
                    <Button size="small" variant="error" onClick={() => setDialog({ kind: "failed", payout })}>
                      {t("payouts.markFailed")}
                    </Button>
                  )}
                </Box>
                {approvedFirstByMe && (
                  <Text size={2} display="block" data-testid="second-approver-note">
                    {t("payouts.needsOtherApprover")}
                  </Text>
                )}
              </td>
            </tr>
          );
        })}
      </Table>

      <PayoutFiles batches={nodes(data?.payoutBatches)} onReport={setReport} onChanged={selection.done} />

      {dialog?.kind === "approve" && (
        <ConfirmDialog
          title={t("payouts.approveTitle", { name: dialog.payout.payeeName })}
          body={t("payouts.approveBody")}
          confirmLabel={t("payouts.approve")}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            const payload = await mutate<Result & { payout: { status: Status } }>("payoutApprove", APPROVE, { id: dialog.payout.id });
            selection.done(payload.payout.status === "FIRST_APPROVED" ? t("payouts.firstApproved") : t("payouts.approved"));
          }}
        />
      )}
      {dialog?.kind === "reject" && (
        <ConfirmDialog
          destructive
          title={t("payouts.rejectTitle", { name: dialog.payout.payeeName })}
          body={t("payouts.rejectBody")}
          reasonLabel={t("common.reasonRequired")}
          confirmLabel={t("payouts.reject")}
          onClose={() => setDialog(null)}
          onConfirm={async (reason) => {
            await mutate<Result>("payoutReject", REJECT, { id: dialog.payout.id, reason });
            selection.done(t("payouts.rejected"));
          }}
        />
      )}
      {dialog?.kind === "paid" && (
        <ConfirmDialog
          title={t("payouts.markPaidTitle", { name: dialog.payout.payeeName })}
          body={t("payouts.markPaidBody")}
          reasonLabel={t("payouts.transferReference")}
          confirmLabel={t("payouts.markPaid")}
          onClose={() => setDialog(null)}
          onConfirm={async (transferReference) => {
            await mutate<Result>("payoutMarkPaid", MARK_PAID, { id: dialog.payout.id, reference: transferReference });
            selection.done(t("payouts.paid"));
          }}
        />
      )}
      {dialog?.kind === "failed" && (
        <ConfirmDialog
          destructive
          title={t("payouts.markFailedTitle", { name: dialog.payout.payeeName })}
          body={t("payouts.markFailedBody")}
          reasonLabel={t("common.reasonRequired")}
          confirmLabel={t("payouts.markFailed")}
          onClose={() => setDialog(null)}
          onConfirm={async (reason) => {
            await mutate<Result>("payoutMarkFailed", MARK_FAILED, { id: dialog.payout.id, reason });
            selection.done(t("payouts.failed"));
          }}
        />
      )}
      {dialog?.kind === "bulk" && (
        <ConfirmDialog
          title={t("payouts.bulkApprove", { count: selection.selected.length })}
          body={t("payouts.approveBody")}
          confirmLabel={t("payouts.approve")}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            const payload = await mutate<BulkResult>("payoutBulkApprove", BULK_APPROVE, { ids: selection.selected });
            setReport(payload.results);
            selection.done(t("payouts.approved"));
          }}
        />
      )}
    </Box>
  );
}
