import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState } from "react";

import { graphql, mutate, type MutationError } from "../api/client";
import { saleorGraphql } from "../api/saleor";
import { notify, redirectInDashboard } from "../bridge/bridge";
import { Card, ConfirmDialog, EmptyRow, ErrorNotice, Field, MoneyText, Table } from "../components/ui";
import { type Money } from "../format";
import { nodes, useLoad, type Connection } from "../hooks";
import { useI18n } from "../i18n/i18n";

type Grade = {
  id: string;
  slug: string;
  name: string;
  rank: number;
  sellerRate: string | null;
  upgradeMinSales: Money | null;
  upgradeMinTeamSales: Money | null;
  upgradeMinOrders: number | null;
  distributorCount: number;
};
type Rule = { id: string; scope: "PRODUCT" | "CATEGORY"; target: string; sellerRate: string; note: string };

const LOAD = `query Programme {
  grades { id slug name rank sellerRate upgradeMinSales { amount currency } upgradeMinTeamSales { amount currency } upgradeMinOrders distributorCount }
  commissionRules(first: 100) { edges { node { id scope target sellerRate note } } }
}`;
const ERR = "errors { field message code }";
const GRADE_CREATE = `mutation GradeCreate($input: GradeInput!) { gradeCreate(input: $input) { ${ERR} grade { id } } }`;
const GRADE_UPDATE = `mutation GradeUpdate($id: ID!, $input: GradeInput!) { gradeUpdate(id: $id, input: $input) { ${ERR} grade { id } } }`;
const GRADE_DELETE = `mutation GradeDelete($id: ID!) { gradeDelete(id: $id) { ${ERR} grade { id } } }`;
const RULE_CREATE = `mutation RuleCreate($input: CommissionRuleCreateInput!) { commissionRuleCreate(input: $input) { ${ERR} rule { id } } }`;
const RULE_DELETE = `mutation RuleDelete($id: ID!) { commissionRuleDelete(id: $id) { ${ERR} } }`;
const PICK = {
  PRODUCT: `query Pick($search: String) { items: products(first: 10, filter: {search: $search}) { edges { node { id name } } } }`,
  CATEGORY: `query Pick($search: String) { items: categories(first: 10, filter: {search: $search}) { edges { node { id name } } } }`,
};

const NAMES = `query Names($products: [ID!], $categories: [ID!]) {
  products(first: 100, filter: {ids: $products}) { edges { node { id name } } }
  categories(first: 100, filter: {ids: $categories}) { edges { node { id name } } }
}`;

/** The rules' products and categories by name, from Saleor; ids stay when Saleor cannot say. */
async function targetNames(rules: Rule[]): Promise<Record<string, string>> {
  const ids = (scope: Rule["scope"]) => rules.filter((rule) => rule.scope === scope).map((rule) => rule.target);
  if (!rules.length) return {};
  try {
    type Named = Connection<{ id: string; name: string }>;
    const data = await saleorGraphql<{ products: Named; categories: Named }>(NAMES, { products: ids("PRODUCT"), categories: ids("CATEGORY") });
    return Object.fromEntries([...nodes(data.products), ...nodes(data.categories)].map((item) => [item.id, item.name]));
  } catch {
    return {};
  }
}

type Result = { errors: MutationError[] };
type GradeDraft = { id?: string; name: string; slug: string; rank: string; sellerRate: string; minSales: string; minTeamSales: string; minOrders: string; currency: string };

function GradeForm({ draft, onDone, onCancel }: { draft: GradeDraft; onDone: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [value, setValue] = useState(draft);
  const [error, setError] = useState<unknown>(null);
  const set = (key: keyof GradeDraft) => (event: { target: { value: string } }) => setValue({ ...value, [key]: event.target.value });
  const save = async () => {
    setError(null);
    const input = {
      name: value.name,
      slug: value.slug || undefined,
      rank: value.rank === "" ? undefined : Number(value.rank),
      sellerRate: value.sellerRate === "" ? null : value.sellerRate,
      upgradeMinSales: value.minSales || null,
      upgradeMinTeamSales: value.minTeamSales || null,
      upgradeMinOrders: value.minOrders === "" ? null : Number(value.minOrders),
      upgradeCurrency: value.currency || undefined,
    };
    try {
      if (value.id) await mutate<Result>("gradeUpdate", GRADE_UPDATE, { id: value.id, input });
      else await mutate<Result>("gradeCreate", GRADE_CREATE, { input });
      notify("success", t("programme.gradeSaved"));
      onDone();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <Box borderStyle="solid" borderWidth={1} borderColor="default1" borderRadius={4} padding={3} marginY={3} data-testid="grade-form">
      <div className="wfx-bar">
        <Field label={t("programme.gradeName")}>
          <input value={value.name} onChange={set("name")} />
        </Field>
        <Field label={t("programme.slug")}>
          <input value={value.slug} onChange={set("slug")} />
        </Field>
        <Field label={t("programme.rank")}>
          <input type="number" value={value.rank} onChange={set("rank")} />
        </Field>
        <Field label={t("programme.sellerRate")}>
          <input inputMode="decimal" value={value.sellerRate} onChange={set("sellerRate")} />
        </Field>
        <Field label={t("programme.minSales")}>
          <input inputMode="decimal" value={value.minSales} onChange={set("minSales")} />
        </Field>
        <Field label={t("programme.minTeamSales")}>
          <input inputMode="decimal" value={value.minTeamSales} onChange={set("minTeamSales")} />
        </Field>
        <Field label={t("programme.minOrders")}>
          <input type="number" value={value.minOrders} onChange={set("minOrders")} />
        </Field>
        <Field label={t("overview.currency")}>
          <input value={value.currency} onChange={set("currency")} />
        </Field>
      </div>
      <ErrorNotice error={error} />
      <Box display="flex" gap={2}>
        <Button size="small" onClick={save}>
          {t("common.save")}
        </Button>
        <Button size="small" variant="secondary" onClick={onCancel}>
          {t("common.cancel")}
        </Button>
      </Box>
    </Box>
  );
}

function RuleForm({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [scope, setScope] = useState<"PRODUCT" | "CATEGORY">("PRODUCT");
  const [search, setSearch] = useState("");
  const [options, setOptions] = useState<{ id: string; name: string }[]>([]);
  const [target, setTarget] = useState("");
  const [rate, setRate] = useState("");
  const [note, setNote] = useState("");
  const [error, setError] = useState<unknown>(null);
  const find = async () => {
    setError(null);
    try {
      const data = await saleorGraphql<{ items: Connection<{ id: string; name: string }> }>(PICK[scope], { search });
      setOptions(nodes(data.items));
    } catch (caught) {
      setError(caught);
    }
  };
  const save = async () => {
    setError(null);
    try {
      await mutate<Result>("commissionRuleCreate", RULE_CREATE, { input: { scope, target, sellerRate: rate, note } });
      notify("success", t("programme.ruleSaved"));
      setTarget("");
      setRate("");
      setNote("");
      onDone();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <Box marginTop={3} data-testid="rule-form">
      <div className="wfx-bar">
        <Field label={t("programme.scope")}>
          <select value={scope} onChange={(event) => setScope(event.target.value as "PRODUCT" | "CATEGORY")}>
            <option value="PRODUCT">{t("programme.scopePRODUCT")}</option>
            <option value="CATEGORY">{t("programme.scopeCATEGORY")}</option>
          </select>
        </Field>
        <Field label={t("programme.findInSaleor")}>
          <input value={search} onChange={(event) => setSearch(event.target.value)} />
        </Field>
        <Button size="small" variant="secondary" onClick={find}>
          {t("common.search")}
        </Button>
        <Field label={t("programme.target")}>
          {options.length ? (
            <select value={target} onChange={(event) => setTarget(event.target.value)}>
              <option value="">—</option>
              {options.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.name}
                </option>
              ))}
            </select>
          ) : (
            <input value={target} onChange={(event) => setTarget(event.target.value)} placeholder={t("programme.targetHint")} />
          )}
        </Field>
        <Field label={t("programme.sellerRate")}>
          <input inputMode="decimal" value={rate} onChange={(event) => setRate(event.target.value)} />
        </Field>
        <Field label={t("programme.note")}>
          <input value={note} onChange={(event) => setNote(event.target.value)} />
        </Field>
        <Button size="small" disabled={!target || !rate} onClick={save}>
          {t("programme.addRule")}
        </Button>
      </div>
      <ErrorNotice error={error} />
    </Box>
  );
}

const toDraft = (grade?: Grade): GradeDraft => ({
  id: grade?.id,
  name: grade?.name ?? "",
  slug: grade?.slug ?? "",
  rank: grade ? String(grade.rank) : "",
  sellerRate: grade?.sellerRate ?? "",
  minSales: grade?.upgradeMinSales?.amount ?? "",
  minTeamSales: grade?.upgradeMinTeamSales?.amount ?? "",
  minOrders: grade?.upgradeMinOrders == null ? "" : String(grade.upgradeMinOrders),
  currency: grade?.upgradeMinSales?.currency ?? grade?.upgradeMinTeamSales?.currency ?? "CNY",
});

export function Programme() {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(() => graphql<{ grades: Grade[]; commissionRules: Connection<Rule> }>(LOAD), "programme");
  const rules = nodes(data?.commissionRules);
  const { data: names } = useLoad(() => targetNames(rules), rules.map((rule) => rule.target).join(","));
  const [editing, setEditing] = useState<GradeDraft | null>(null);
  const [deleting, setDeleting] = useState<{ kind: "grade"; grade: Grade } | { kind: "rule"; rule: Rule } | null>(null);

  return (
    <Box data-testid="screen-programme">
      <Text as="h1" size={7} fontWeight="bold" display="block" marginBottom={4}>
        {t("programme.title")}
      </Text>
      <ErrorNotice error={error} />
      <Card title={t("programme.grades")}>
        <Table
          columns={[
            t("programme.rank"),
            t("programme.gradeName"),
            t("programme.sellerRate"),
            t("programme.minSales"),
            t("programme.minTeamSales"),
            t("programme.minOrders"),
            t("programme.distributorCount"),
            t("common.actions"),
          ]}
        >
          {data?.grades.length === 0 && <EmptyRow span={8} />}
          {data?.grades.map((grade) => (
            <tr key={grade.id} data-testid="grade-row">
              <td>{grade.rank}</td>
              <td>
                <Text>{grade.name}</Text> <Text size={2} color="default2">{grade.slug}</Text>
              </td>
              <td>{grade.sellerRate == null ? t("programme.defaultRate") : `${grade.sellerRate}%`}</td>
              <td>
                <MoneyText money={grade.upgradeMinSales} />
              </td>
              <td>
                <MoneyText money={grade.upgradeMinTeamSales} />
              </td>
              <td>{grade.upgradeMinOrders ?? "—"}</td>
              <td>{grade.distributorCount}</td>
              <td>
                <Box display="flex" gap={2}>
                  <Button size="small" variant="secondary" onClick={() => setEditing(toDraft(grade))}>
                    {t("programme.edit")}
                  </Button>
                  <Button size="small" variant="error" onClick={() => setDeleting({ kind: "grade", grade })}>
                    {t("common.delete")}
                  </Button>
                </Box>
              </td>
            </tr>
          ))}
        </Table>
        {editing ? (
          <GradeForm
            key={editing.id ?? "new"}
            draft={editing}
            onCancel={() => setEditing(null)}
            onDone={() => {
              setEditing(null);
              reload();
            }}
          />
        ) : (
          <Box marginTop={3}>
            <Button size="small" onClick={() => setEditing(toDraft())}>
              {t("programme.addGrade")}
            </Button>
          </Box>
        )}
      </Card>
      <Card title={t("programme.rules")}>
        <Table columns={[t("programme.scope"), t("programme.target"), t("programme.sellerRate"), t("programme.note"), t("common.actions")]}>
          {data && nodes(data.commissionRules).length === 0 && <EmptyRow span={5} />}
          {nodes(data?.commissionRules).map((rule) => (
            <tr key={rule.id} data-testid="rule-row">
              <td>{t(rule.scope === "PRODUCT" ? "programme.scopePRODUCT" : "programme.scopeCATEGORY")}</td>
              <td>
                <Text display="block">{names?.[rule.target] ?? ""}</Text>
                <Text size={2} color="default2">
                  {rule.target}
                </Text>
              </td>
              <td>{rule.sellerRate}%</td>
              <td>{rule.note}</td>
              <td>
                <Button size="small" variant="error" onClick={() => setDeleting({ kind: "rule", rule })}>
                  {t("common.delete")}
                </Button>
              </td>
            </tr>
          ))}
        </Table>
        <RuleForm onDone={reload} />
      </Card>
      <Card title={t("programme.settings")}>
        <Text display="block" marginBottom={3}>
          {t("programme.settingsHelp")}
        </Text>
        <Button size="small" variant="secondary" onClick={() => redirectInDashboard("/plugins/wfx.distribution")}>
          {t("programme.openPluginPage")}
        </Button>
      </Card>
      {deleting && (
        <ConfirmDialog
          destructive
          title={
            deleting.kind === "grade"
              ? t("programme.deleteGradeTitle", { name: deleting.grade.name })
              : t("programme.deleteRuleTitle", { target: deleting.rule.target })
          }
          body={deleting.kind === "grade" ? t("programme.deleteGradeBody") : t("programme.deleteRuleBody")}
          confirmLabel={t("common.delete")}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            if (deleting.kind === "grade") await mutate<Result>("gradeDelete", GRADE_DELETE, { id: deleting.grade.id });
            else await mutate<Result>("commissionRuleDelete", RULE_DELETE, { id: deleting.rule.id });
            reload();
          }}
        />
      )}
    </Box>
  );
}
