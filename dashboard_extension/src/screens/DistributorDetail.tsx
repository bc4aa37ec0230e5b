import { Box, Button, Text } from "@saleor/macaw-ui";
import { useState, type ReactNode } from "react";

import { graphql, mutate, type MutationError } from "../api/client";
import { notify } from "../bridge/bridge";
import { Card, ConfirmDialog, EmptyRow, ErrorNotice, Field, MoneyText, Stat, Table } from "../components/ui";
import { formatDateTime, type Money } from "../format";
import { nodes, useLoad, type Connection } from "../hooks";
import { useI18n, type MessageKey } from "../i18n/i18n";
import { navigate } from "../router";
import { DistributorHistory, Section } from "./DistributorHistory";

type Person = { id: string; code: string; name: string; status?: string };
type Profile = Person & {
  email: string;
  phone: string;
  status: string;
  statusReason: string;
  grade: { id: string; name: string } | null;
  gradeLocked: boolean;
  referralLink: string;
  directDownlineCount: number;
  createdAt: string;
  upline: (Person & { upline: Person | null }) | null;
  earnings: { accrued: Money; reversed: Money; net: Money }[];
  events: Connection<{ id: string; kind: string; actor: string; reason: string; createdAt: string }>;
  balances: { currency: string; pending: Money; onHold: Money; available: Money; reserved: Money; paid: Money }[];
  teamSize: number;
};

const M = "{ amount currency }";
const PROFILE = `query Distributor($id: ID!) {
  distributor(id: $id) { id code name email phone status statusReason grade { id name } gradeLocked referralLink
    directDownlineCount createdAt upline { id code name upline { id code name } }
    earnings { accrued ${M} reversed ${M} net ${M} }
    events(first: 50) { edges { node { id kind actor reason createdAt } } }
    teamSize balances { currency pending ${M} onHold ${M} available ${M} reserved ${M} paid ${M} } }
  grades { id name }
}`;
const TEAM = `query Team($id: ID!) { distributor(id: $id) { team(first: 100) { edges { node { id code name status teamLevel } } } } }`;
const ERR = "errors { field message code }";
const SUSPEND = `mutation Suspend($id: ID!, $reason: String!) { distributorSuspend(id: $id, reason: $reason) { ${ERR} } }`;
const REACTIVATE = `mutation Reactivate($id: ID!, $reason: String) { distributorReactivate(id: $id, reason: $reason) { ${ERR} } }`;
const SET_GRADE = `mutation SetGrade($id: ID!, $grade: ID!, $reason: String!, $lock: Boolean) { distributorSetGrade(id: $id, grade: $grade, reason: $reason, lock: $lock) { ${ERR} } }`;
const SET_UPLINE = `mutation SetUpline($id: ID!, $upline: ID, $reason: String!) { distributorSetUpline(id: $id, upline: $upline, reason: $reason) { ${ERR} } }`;
const FIND = `query Find($code: String!) { distributor(code: $code) { id } }`;
const ADJUST = `mutation Adjust($distributor: ID!, $amount: Decimal!, $currency: String!, $reason: String!, $key: String) {
  balanceAdjust(distributor: $distributor, amount: $amount, currency: $currency, reason: $reason, idempotencyKey: $key) { ${ERR} } }`;
const REVERSE = `mutation Reverse($orderNumber: String!, $reason: String!, $key: String!) {
  orderCommissionReverse(orderNumber: $orderNumber, everything: true, reason: $reason, idempotencyKey: $key) { ${ERR} } }`;

type Result = { errors: MutationError[] };
type Action = "suspend" | "reactivate" | "grade" | "upline" | "adjust" | "reverse";

function loadProfile(id: string) {
  return graphql<{ distributor: Profile | null; grades: { id: string; name: string }[] | null }>(PROFILE, { id });
}

/** The two levels below (the levels commission is paid on). */
async function loadTeam(id: string): Promise<(Person & { teamLevel: number })[]> {
  const data = await graphql<{ distributor: { team: Connection<Person & { teamLevel: number }> } }>(TEAM, { id });
  return nodes(data.distributor.team);
}

function key(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : String(Date.now());
}

export function DistributorDetail({ id }: { id: string }) {
  const { t, locale } = useI18n();
  const { data, error, reload } = useLoad(() => loadProfile(id), id);
  const [action, setAction] = useState<Action | null>(null);
  const [form, setForm] = useState({ grade: "", lock: true, upline: "", amount: "", currency: "CNY", orderNumber: "" });
  const profile = data?.distributor;
  const set = (name: keyof typeof form) => (event: { target: { value: string } }) => setForm({ ...form, [name]: event.target.value });

  const run = async (reason: string) => {
    const done = () => {
      notify("success", t("distributor.saved"));
      reload();
    };
    switch (action) {
      case "suspend":
        await mutate<Result>("distributorSuspend", SUSPEND, { id, reason });
        break;
      case "reactivate":
        await mutate<Result>("distributorReactivate", REACTIVATE, { id, reason: reason || null });
        break;
      case "grade":
        await mutate<Result>("distributorSetGrade", SET_GRADE, { id, grade: form.grade, reason, lock: form.lock });
        break;
      case "upline": {
        let upline: string | null = null;
        if (form.upline.trim()) {
          const found = await graphql<{ distributor: { id: string } | null }>(FIND, { code: form.upline.trim() });
          if (!found.distributor) throw new Error(t("distributor.uplineNotFound", { code: form.upline }));
          upline = found.distributor.id;
        }
        await mutate<Result>("distributorSetUpline", SET_UPLINE, { id, upline, reason });
        break;
      }
      case "adjust":
        await mutate<Result>("balanceAdjust", ADJUST, { distributor: id, amount: form.amount, currency: form.currency, reason, key: key() });
        break;
      case "reverse":
        await mutate<Result>("orderCommissionReverse", REVERSE, { orderNumber: form.orderNumber, reason, key: key() });
        break;
    }
    done();
  };

  if (error) return <ErrorNotice error={error} />;
  if (!data) return null;
  if (!profile) return <Text>{t("distributor.notFound")}</Text>;

  const dialogs: Record<Action, { title: string; body: string; extra?: ReactNode; reason: boolean; destructive?: boolean }> = {
    suspend: { title: t("distributor.suspend"), body: t("distributor.suspendBody"), reason: true, destructive: true },
    reactivate: { title: t("distributor.reactivate"), body: t("distributor.reactivateBody"), reason: false },
    grade: {
      title: t("distributor.setGrade"),
      body: t("distributor.setGradeBody"),
      reason: true,
      extra: (
        <>
          <Field label={t("distributors.grade")}>
            <select value={form.grade} onChange={set("grade")}>
              <option value="">—</option>
              {(data.grades ?? []).map((grade) => (
                <option key={grade.id} value={grade.id}>
                  {grade.name}
                </option>
              ))}
            </select>
          </Field>
          <label>
            <input type="checkbox" checked={form.lock} onChange={(event) => setForm({ ...form, lock: event.target.checked })} /> {t("distributor.lockGrade")}
          </label>
        </>
      ),
    },
    upline: {
      title: t("distributor.moveUpline"),
      body: t("distributor.moveUplineBody"),
      reason: true,
      destructive: true,
      extra: (
        <Field label={t("distributors.uplineCode")}>
          <input value={form.upline} onChange={set("upline")} placeholder={t("distributor.noUpline")} />
        </Field>
      ),
    },
    adjust: {
      title: t("distributor.adjust"),
      body: t("distributor.adjustBody"),
      reason: true,
      destructive: true,
      extra: (
        <Box display="flex" gap={2}>
          <Field label={t("payouts.amount")}>
            <input inputMode="decimal" value={form.amount} onChange={set("amount")} placeholder="-20.00" />
          </Field>
          <Field label={t("overview.currency")}>
            <input value={form.currency} onChange={set("currency")} />
          </Field>
        </Box>
      ),
    },
    reverse: {
      title: t("distributor.reverse"),
      body: t("distributor.reverseBody"),
      reason: true,
      destructive: true,
      extra: (
        <Field label={t("commissions.orderNumber")}>
          <input value={form.orderNumber} onChange={set("orderNumber")} />
        </Field>
      ),
    },
  };
  const dialog = action ? dialogs[action] : null;
  const chain = [profile.upline, profile.upline?.upline].filter((person): person is Person => Boolean(person));

  return (
    <Box data-testid="screen-distributor">
      <Button variant="tertiary" size="small" onClick={() => navigate("/distributors")}>
        ← {t("nav.distributors")}
      </Button>
      <Text as="h1" size={7} fontWeight="bold" display="block" marginY={3}>
        {profile.code} · {profile.name || profile.email}
      </Text>
      <Box display="flex" gap={2} flexWrap="wrap" marginBottom={4}>
        {profile.status === "ACTIVE" && (
          <Button size="small" variant="error" onClick={() => setAction("suspend")}>
            {t("distributor.suspend")}
          </Button>
        )}
        {profile.status === "SUSPENDED" && (
          <Button size="small" onClick={() => setAction("reactivate")}>
            {t("distributor.reactivate")}
          </Button>
        )}
        {(["grade", "upline", "adjust", "reverse"] as const).map((name) => (
          <Button key={name} size="small" variant="secondary" onClick={() => setAction(name)}>
            {dialogs[name].title}
          </Button>
        ))}
      </Box>
      <div className="wfx-grid">
        <Stat label={t("distributors.status")} value={t(`status.distributor.${profile.status}` as MessageKey)} />
        <Stat label={t("distributors.grade")} value={`${profile.grade?.name ?? "—"}${profile.gradeLocked ? ` · ${t("distributors.locked")}` : ""}`} />
        <Stat label={t("distributors.teamSize")} value={profile.teamSize} />
        {profile.earnings.map((earning) => (
          <Stat key={earning.net.currency} label={t("distributor.netEarnings")} value={<MoneyText money={earning.net} />} />
        ))}
        {profile.balances.map((balance) => (
          <Stat key={balance.currency} label={t("distributors.available")} value={<MoneyText money={balance.available} />} />
        ))}
      </div>
      <Box display="grid" gap={4} marginTop={4} className="wfx-grid">
        <Card title={t("distributor.profile")}>
          <Text display="block">{profile.email}</Text>
          <Text display="block">{profile.phone}</Text>
          <Text display="block" size={2}>
            {t("distributors.joined")}: {formatDateTime(profile.createdAt, locale)}
          </Text>
          {profile.statusReason && (
            <Text display="block" size={2}>
              {t("distributor.statusReason")}: {profile.statusReason}
            </Text>
          )}
          <Text display="block" size={2}>
            {profile.referralLink}
          </Text>
        </Card>
        <Card title={t("distributor.chain")}>
          {chain.length === 0 && <Text>{t("distributor.noUpline")}</Text>}
          {chain.map((person, index) => (
            <Text key={person.id} display="block">
              {t("commissions.levelN", { level: index + 2 })}: <a href={`#/distributors/${encodeURIComponent(person.id)}`}>{person.code}</a> {person.name}
            </Text>
          ))}
        </Card>
      </Box>
      <Section
        title={t("distributor.team")}
        id={id}
        load={loadTeam}
        render={(team) => (
          <Table columns={[t("commissions.level"), t("distributors.code"), t("distributors.name"), t("distributors.status")]}>
            {team.length === 0 && <EmptyRow span={4} />}
            {team.map((member) => (
              <tr key={member.id}>
                <td>{t("commissions.levelN", { level: member.teamLevel })}</td>
                <td>
                  <a href={`#/distributors/${encodeURIComponent(member.id)}`}>{member.code}</a>
                </td>
                <td>{member.name}</td>
                <td>{member.status ? t(`status.distributor.${member.status}` as MessageKey) : ""}</td>
              </tr>
            ))}
          </Table>
        )}
      />
      <DistributorHistory id={id} />
      <Card title={t("distributor.audit")}>
        <Table columns={[t("distributor.when"), t("distributor.kind"), t("distributor.actor"), t("distributor.reason")]}>
          {nodes(profile.events).length === 0 && <EmptyRow span={4} />}
          {nodes(profile.events).map((event) => (
            <tr key={event.id}>
              <td>{formatDateTime(event.createdAt, locale)}</td>
              <td>{event.kind}</td>
              <td>{event.actor}</td>
              <td>{event.reason}</td>
            </tr>
          ))}
        </Table>
      </Card>
      {dialog && (
        <ConfirmDialog
          title={dialog.title}
          body={dialog.body}
          destructive={dialog.destructive}
          reasonLabel={dialog.reason ? t("common.reasonRequired") : undefined}
          confirmLabel={dialog.title}
          onClose={() => setAction(null)}
          onConfirm={run}
        >
          {dialog.extra}
        </ConfirmDialog>
      )}
    </Box>
  );
}
