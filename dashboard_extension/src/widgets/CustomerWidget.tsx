import { Box, Text } from "@saleor/macaw-ui";

import { graphql } from "../api/client";
import { saleorGraphql } from "../api/saleor";
import { ErrorNotice, MoneyText, Stat } from "../components/ui";
import { formatDate, type Money } from "../format";
import { useLoad } from "../hooks";
import { useI18n, type MessageKey } from "../i18n/i18n";

type Found = {
  id: string;
  code: string;
  name: string;
  status: string;
  grade: { name: string } | null;
  upline: { code: string; name: string } | null;
  directDownlineCount: number;
  earnings: { net: Money }[];
};

type Binding = {
  customerKey: string;
  boundAt: string;
  expiresAt: string;
  distributor: { id: string; code: string; name: string };
};

const CUSTOMER = `query CustomerWidget($userId: ID!, $userPk: String!, $email: String) {
  distributor(userId: $userId) {
    id code name status grade { name } upline { code name } directDownlineCount earnings { net { amount currency } } }
  customerBindings(userId: $userPk, email: $email) { bindings { customerKey boundAt expiresAt distributor { id code name } } } }`;
const SALEOR_CUSTOMER = `query CustomerEmail($id: ID!) { user(id: $id) { email } }`;

/** The customer's e-mail from Saleor (the plugin keys a guest checkout's binding by it), or null
 * when Saleor cannot say: the widget then shows what the account alone tells. */
async function customerEmail(customerId: string): Promise<string | null> {
  try {
    const data = await saleorGraphql<{ user: { email: string } | null }>(SALEOR_CUSTOMER, { id: customerId });
    return data.user?.email || null;
  } catch {
    return null;
  }
}

type Loaded = { distributor: Found | null; customerBindings: { bindings: Binding[] } | null; emailKnown: boolean };

async function load(customerId: string): Promise<Loaded> {
  const email = await customerEmail(customerId);
  const data = await graphql<Omit<Loaded, "emailKnown">>(CUSTOMER, {
    userId: customerId,
    userPk: userPrimaryKey(customerId),
    email,
  });
  return { ...data, emailKnown: email !== null };
}

/** Bindings are keyed by the Saleor user's primary key; the dashboard hands the widget its global id. */
export function userPrimaryKey(customerId: string): string {
  try {
    const [type, pk] = atob(customerId).split(":");
    if (type === "User" && pk) return pk;
  } catch {
    // not base64: already a primary key
  }
  return customerId;
}

export function CustomerWidget({ customerId }: { customerId: string }) {
  const { t, locale } = useI18n();
  const { data, error } = useLoad(() => load(customerId), customerId);
  const found = data?.distributor;
  const bindings = data?.customerBindings?.bindings ?? [];
  return (
    <Box padding={3} data-testid="widget-customer">
      <ErrorNotice error={error} />
      {data && (
        <Box data-testid="customer-binding" marginBottom={3}>
          {bindings.length === 0 && <Text display="block">{t("widget.notBound")}</Text>}
          {bindings.map((binding) => (
            <div className="wfx-grid" key={binding.customerKey}>
              <Stat
                label={t("widget.boundTo")}
                value={
                  <a href={`#/distributors/${encodeURIComponent(binding.distributor.id)}`}>
                    {binding.distributor.code} {binding.distributor.name}
                  </a>
                }
              />
              <Stat label={t("widget.boundSince")} value={formatDate(binding.boundAt, locale)} />
              <Stat label={t("widget.boundUntil")} value={formatDate(binding.expiresAt, locale)} />
              {binding.customerKey.startsWith("email:") && <Stat label={t("widget.boundAs")} value={t("widget.boundAsGuest")} />}
            </div>
          ))}
          {!data.emailKnown && (
            <Text size={2} color="default2" display="block">
              {t("widget.emailUnknown")}
            </Text>
          )}
        </Box>
      )}
      {data && !found && <Text>{t("widget.notADistributor")}</Text>}
      {found && (
        <>
          <Text display="block" marginBottom={2}>
            {t("widget.isDistributor")}{" "}
            <a href={`#/distributors/${encodeURIComponent(found.id)}`}>
              {found.code} {found.name}
            </a>
          </Text>
          <div className="wfx-grid">
            <Stat label={t("distributors.status")} value={t(`status.distributor.${found.status}` as MessageKey)} />
            <Stat label={t("distributors.grade")} value={found.grade?.name ?? "—"} />
            <Stat label={t("distributors.upline")} value={found.upline ? `${found.upline.code} ${found.upline.name}` : "—"} />
            <Stat label={t("distributor.directRecruits")} value={found.directDownlineCount} />
            {found.earnings.map((earning) => (
              <Stat key={earning.net.currency} label={t("distributor.netEarnings")} value={<MoneyText money={earning.net} />} />
            ))}
          </div>
        </>
      )}
    </Box>
  );
}
