import { Button } from "@saleor/macaw-ui";
import { useState, type ReactNode } from "react";

import { notify } from "../bridge/bridge";
import { useI18n } from "../i18n/i18n";
import { Field } from "./ui";

type Change = (event: { target: { value: string } }) => void;

/** A list's filters as the form shows them (`draft`) and as the list was last asked for
 * (`filters`): the list reloads on "Search", not on every keystroke. */
export function useFilters<F extends Record<string, string>>(empty: F) {
  const [draft, setDraft] = useState<F>(empty);
  const [filters, setFilters] = useState<F>(empty);
  const set =
    (key: keyof F): Change =>
    (event) =>
      setDraft((current) => ({ ...current, [key]: event.target.value }));
  return { draft, filters, set, apply: () => setFilters(draft) };
}

/** The bar above a list: its fields, "Search", then the list's own actions (export, bulk). */
export function FilterBar({
  onSearch,
  searchVariant = "primary",
  actions,
  children,
}: {
  onSearch: () => void;
  searchVariant?: "primary" | "secondary";
  actions?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <form
      className="wfx-bar"
      onSubmit={(event) => {
        event.preventDefault();
        onSearch();
      }}
    >
      {children}
      <Button type="submit" variant={searchVariant} size="small">
        {t("common.search")}
      </Button>
      {actions}
    </form>
  );
}

/** A filter over fixed choices; "All" (the empty value) first. */
export function ChoiceField({
  label,
  value,
  onChange,
  choices,
}: {
  label: string;
  value: string;
  onChange: Change;
  choices: { value: string | number; label: string }[];
}) {
  const { t } = useI18n();
  return (
    <Field label={label}>
      <select value={value} onChange={onChange}>
        <option value="">{t("common.all")}</option>
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function DateField({ label, value, onChange }: { label: string; value: string; onChange: Change }) {
  return (
    <Field label={label}>
      <input type="date" value={value} onChange={onChange} />
    </Field>
  );
}

export type Selection = ReturnType<typeof useSelection>;

/** The rows ticked for a bulk action. `done` is what follows any action on the list: say it
 * worked, forget the ticks (the rows may have left the queue) and reload. */
export function useSelection(reload: () => void) {
  const [selected, setSelected] = useState<string[]>([]);
  const clear = () => setSelected([]);
  return {
    selected,
    clear,
    toggle: (id: string, checked: boolean) =>
      setSelected((current) => (checked ? [...current, id] : current.filter((other) => other !== id))),
    done: (message: string) => {
      notify("success", message);
      clear();
      reload();
    },
  };
}

export function SelectBox({ id, label, selection }: { id: string; label: string; selection: Selection }) {
  return (
    <input
      type="checkbox"
      aria-label={label}
      checked={selection.selected.includes(id)}
      onChange={(event) => selection.toggle(id, event.target.checked)}
    />
  );
}

/** Opens the bulk action's confirmation; nothing to do until a row is ticked. */
export function BulkButton({ label, selection, onClick }: { label: string; selection: Selection; onClick: () => void }) {
  return (
    <Button type="button" size="small" disabled={!selection.selected.length} onClick={onClick}>
      {label}
    </Button>
  );
}
