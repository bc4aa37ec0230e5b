import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState, type ReactNode } from "react";

import { ApiError } from "../api/client";
import { formatMoney, type Money } from "../format";
import { useI18n } from "../i18n/i18n";

/** The API's own words, where the action was attempted (not a toast that disappears). */
export function ErrorNotice({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const message = error instanceof ApiError || error instanceof Error ? error.message : String(error);
  return (
    <Box role="alert" data-testid="api-error" padding={3} borderRadius={3} backgroundColor="critical1" marginY={2}>
      <Text color="critical1" size={3}>
        {t("error.prefix")} {message}
      </Text>
    </Box>
  );
}

export function MoneyText({ money }: { money: Money | null | undefined }) {
  const { locale } = useI18n();
  return <span className="money">{formatMoney(money, locale)}</span>;
}

export function Card({ title, children }: { title?: ReactNode; children: ReactNode }) {
  return (
    <Box borderStyle="solid" borderWidth={1} borderColor="default1" borderRadius={4} padding={4} marginBottom={4}>
      {title && (
        <Text as="h2" size={5} fontWeight="bold" marginBottom={3} display="block">
          {title}
        </Text>
      )}
      {children}
    </Box>
  );
}

export function Stat({ label, value }: { label: string; value: ReactNode }) {
  return (
    <Box borderStyle="solid" borderWidth={1} borderColor="default1" borderRadius={4} padding={3} data-testid="stat">
      <Text size={2} color="default2" display="block">
        {label}
      </Text>
      <Text size={6} fontWeight="bold">
        {value}
      </Text>
    </Box>
  );
}

export function Table({ columns, children }: { columns: string[]; children: ReactNode }) {
  return (
    <Box as="table" width="100%" className="wfx-table">
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column}>
              <Text size={2} color="default2">
                {column}
              </Text>
            </th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </Box>
  );
}

export function EmptyRow({ span }: { span: number }) {
  const { t } = useI18n();
  return (
    <tr>
      <td colSpan={span}>
        <Text color="default2">{t("common.empty")}</Text>
      </td>
    </tr>
  );
}

type ConfirmProps = {
  title: string;
  body?: string;
  confirmLabel: string;
  /** When given, the step needs a reason (rejections, suspensions): the API keeps it. */
  reasonLabel?: string;
  destructive?: boolean;
  onConfirm: (reason: string) => Promise<unknown>;
  onClose: () => void;
  /** Fields of the step itself (a grade, an amount), above the reason. */
  children?: ReactNode;
};

/** Every destructive step goes through here: it states what will happen, may ask for a reason,
 * and keeps the API's refusal in the dialog where the user acted. */
export function ConfirmDialog({ title, body, confirmLabel, reasonLabel, destructive, onConfirm, onClose, children }: ConfirmProps) {
  const { t } = useI18n();
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm(reason.trim());
      onClose();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="wfx-backdrop">
      <Box role="dialog" aria-label={title} className="wfx-dialog" backgroundColor="default1" padding={5} borderRadius={4}>
        <Text as="h3" size={5} fontWeight="bold" display="block" marginBottom={2}>
          {title}
        </Text>
        {body && (
          <Text display="block" marginBottom={3}>
            {body}
          </Text>
        )}
        {children}
        {reasonLabel && (
          <label className="wfx-field">
            <Text size={2}>{reasonLabel}</Text>
            <textarea name="reason" value={reason} onChange={(event) => setReason(event.target.value)} rows={3} />
          </label>
        )}
        <ErrorNotice error={error} />
        <Box display="flex" gap={2} justifyContent="flex-end" marginTop={3}>
          <Button variant="secondary" onClick={onClose} disabled={busy}>
            {t("common.cancel")}
          </Button>
          <Button
            variant={destructive ? "error" : "primary"}
            onClick={submit}
            disabled={busy || Boolean(reasonLabel && !reason.trim())}
            data-testid="confirm"
          >
            {confirmLabel}
          </Button>
        </Box>
      </Box>
    </div>
  );
}

/** Status tabs with counts, as merchants' back offices show queues. */
export function Tabs<T extends string>({
  tabs,
  value,
  onChange,
}: {
  tabs: { value: T; label: string; count?: number | null }[];
  value: T;
  onChange: (value: T) => void;
}) {
  return (
    <Box display="flex" gap={2} marginBottom={3} role="tablist" flexWrap="wrap">
      {tabs.map((tab) => (
        <Button
          key={tab.value}
          role="tab"
          aria-selected={tab.value === value}
          variant={tab.value === value ? "primary" : "secondary"}
          size="small"
          onClick={() => onChange(tab.value)}
        >
          {tab.label}
          {tab.count != null ? ` (${tab.count})` : ""}
        </Button>
      ))}
    </Box>
  );
}

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="wfx-field">
      <Text size={2}>{label}</Text>
      {children}
    </label>
  );
}

/** Saves a CSV the API returned (CsvExport) as a file: the iframe's sandbox allows downloads. */
export function downloadCsv(file: { filename: string; content: string }): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = file.filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
