import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import { graphql, mutate, type MutationError } from "../api/client";
import { BulkButton, FilterBar, SelectBox, useSelection } from "../components/lists";
import { ConfirmDialog, EmptyRow, ErrorNotice, Table, Tabs } from "../components/ui";
import { formatDateTime } from "../format";
import { nodes, useLoad, type Connection } from "../hooks";
import { useI18n } from "../i18n/i18n";

type Status = "PENDING" | "APPROVED" | "REJECTED";
type Application = {
  id: string;
  name: string;
  email: string;
  phone: string;
  inviteCode: string;
  recruiter: { code: string; name: string } | null;
  status: Status;
  rejectionReason: string;
  reviewedBy: string;
  reviewedAt: string | null;
  createdAt: string;
  documents: { id: string; kind: string; contentType: string; url: string | null; fileDeletedAt: string | null }[];
};

const LIST = `query Applications($status: [ApplicationStatusEnum!], $search: String) {
  list: applications(first: 50, filter: {status: $status, search: $search}) {
    totalCount
    edges { node { id name email phone inviteCode recruiter { code name } status rejectionReason
      reviewedBy reviewedAt createdAt documents { id kind contentType url fileDeletedAt } } }
  }
  pending: applications(first: 1, filter: {status: [PENDING]}) { totalCount }
  approved: applications(first: 1, filter: {status: [APPROVED]}) { totalCount }
  rejected: applications(first: 1, filter: {status: [REJECTED]}) { totalCount }
}`;

const APPROVE = `mutation Approve($id: ID!) { distributorApprove(id: $id) { errors { field message code } application { id status } } }`;
const REJECT = `mutation Reject($id: ID!, $reason: String!) { distributorReject(id: $id, reason: $reason) { errors { field message code } application { id status } } }`;
const BULK_APPROVE = `mutation BulkApprove($ids: [ID!]!) { distributorBulkApprove(ids: $ids) {
  errors { field message code } results { id ok error { message code } } } }`;

type Result = { errors: MutationError[] };
type ListData = {
  list: Connection<Application>;
  pending: { totalCount: number };
  approved: { totalCount: number };
  rejected: { totalCount: number };
};

async function bulkApprove(ids: string[]): Promise<string[]> {
  const payload = await mutate<Result & { results: { id: string; ok: boolean; error: { message: string } | null }[] }>(
    "distributorBulkApprove",
    BULK_APPROVE,
    { ids },
  );
  return payload.results.filter((result) => !result.ok).map((result) => result.error?.message ?? result.id);
}

export function Applications() {
  const { t, locale } = useI18n();
  const [status, setStatus] = useState<Status>("PENDING");
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState("");
  const [dialog, setDialog] = useState<{ kind: "approve" | "reject" | "bulk"; application?: Application } | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const { data, error, reload } = useLoad(
    () => graphql<ListData>(LIST, { status: [status], search: query || null }),
    `${status}|${query}`,
  );
  const rows = nodes(data?.list);
  const selection = useSelection(reload);

  return (
    <Box data-testid="screen-applications">
      <Text as="h1" size={7} fontWeight="bold" display="block" marginBottom={4}>
        {t("applications.title")}
      </Text>
      <Tabs
        value={status}
        onChange={(value) => {
          setStatus(value);
          selection.clear();
        }}
        tabs={[
          { value: "PENDING", label: t("status.application.PENDING"), count: data?.pending.totalCount },
          { value: "APPROVED", label: t("status.application.APPROVED"), count: data?.approved.totalCount },
          { value: "REJECTED", label: t("status.application.REJECTED"), count: data?.rejected.totalCount },
        ]}
      />
      <FilterBar
        onSearch={() => setQuery(search.trim())}
        searchVariant="secondary"
        actions={
          status === "PENDING" && (
            <BulkButton
              label={t("applications.bulkApprove", { count: selection.selected.length })}
              selection={selection}
              onClick={() => setDialog({ kind: "bulk" })}
            />
          )
        }
      >
        <input aria-label={t("applications.search")} placeholder={t("applications.search")} value={search} onChange={(event) => setSearch(event.target.value)} />
      </FilterBar>
      <ErrorNotice error={error} />
      <ErrorNotice error={actionError} />
      <Table
        columns={[
          "",
          t("applications.applicant"),
          t("applications.contact"),
          t("applications.inviteCode"),
          t("applications.documents"),
          t("applications.appliedAt"),
          t("applications.reviewed"),
          t("common.actions"),
        ]}
      >
        {rows.length === 0 && <EmptyRow span={8} />}
        {rows.map((application) => (
          <tr key={application.id} data-testid="application-row">
            <td>
              {application.status === "PENDING" && <SelectBox id={application.id} label={application.name} selection={selection} />}
            </td>
            <td>
              <Text>{application.name || "—"}</Text>
            </td>
            <td>
              <Text size={2} display="block">
                {application.email}
              </Text>
              <Text size={2}>{application.phone}</Text>
            </td>
            <td>
              <Text size={2}>
                {application.inviteCode || "—"}
                {application.recruiter ? ` → ${application.recruiter.name || application.recruiter.code}` : ""}
              </Text>
            </td>
            <td>
              {application.documents.length === 0 && <Text size={2}>—</Text>}
              {application.documents.map((document) =>
                document.url && document.contentType.startsWith("image/") ? (
                  <a key={document.id} href={document.url} target="_blank" rel="noreferrer">
                    <img src={document.url} alt={document.kind} width={64} />
                  </a>
                ) : document.url ? (
                  <a key={document.id} href={document.url} target="_blank" rel="noreferrer">
                    {document.kind}
                  </a>
                ) : (
                  <Text key={document.id} size={2}>
                    {t("applications.documentDeleted")}
                  </Text>
                ),
              )}
            </td>
            <td>
              <Text size={2}>{formatDateTime(application.createdAt, locale)}</Text>
            </td>
            <td>
              <Text size={2} display="block">
                {application.reviewedBy || "—"}
              </Text>
              <Text size={2}>{application.reviewedAt ? formatDateTime(application.reviewedAt, locale) : ""}</Text>
              {application.rejectionReason && (
                <Text size={2} display="block" color="critical1">
                  {application.rejectionReason}
                </Text>
              )}
            </td>
            <td>
              {application.status === "PENDING" && (
                <Box display="flex" gap={2}>
                  <Button size="small" onClick={() => setDialog({ kind: "approve", application })}>
                    {t("applications.approve")}
                  </Button>
                  <Button size="small" variant="error" onClick={() => setDialog({ kind: "reject", application })}>
                    {t("applications.reject")}
                  </Button>
                </Box>
              )}
            </td>
          </tr>
        ))}
      </Table>
      {dialog?.kind === "approve" && dialog.application && (
        <ConfirmDialog
          title={t("applications.approveTitle", { name: dialog.application.name || dialog.application.email })}
          body={t("applications.approveBody")}
          confirmLabel={t("applications.approve")}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            await mutate<Result>("distributorApprove", APPROVE, { id: dialog.application!.id });
            selection.done(t("applications.approved"));
          }}
        />
      )}
      {dialog?.kind === "reject" && dialog.application && (
        <ConfirmDialog
          destructive
          title={t("applications.rejectTitle", { name: dialog.application.name || dialog.application.email })}
          reasonLabel={t("common.reasonRequired")}
          confirmLabel={t("applications.reject")}
          onClose={() => setDialog(null)}
          onConfirm={async (reason) => {
            await mutate<Result>("distributorReject", REJECT, { id: dialog.application!.id, reason });
            selection.done(t("applications.rejected"));
          }}
        />
      )}
      {dialog?.kind === "bulk" && (
        <ConfirmDialog
          title={t("applications.bulkApprove", { count: selection.selected.length })}
          body={t("applications.approveBody")}
          confirmLabel={t("applications.approve")}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            const refusals = await bulkApprove(selection.selected);
            setActionError(refusals.length ? new Error(refusals.join("; ")) : null);
            selection.done(t("applications.approved"));
          }}
        />
      )}
    </Box>
  );
}
