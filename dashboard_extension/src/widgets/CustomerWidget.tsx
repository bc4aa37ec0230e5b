import { Box, Text } from "@saleor/macaw-ui";

import { graphql } from "../api/client";
import { isMissingFromSchema } from "../api/schemaGaps";
import { ErrorNotice, MoneyText, Stat } from "../components/ui";
import { type Money } from "../format";
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

const BY_USER = `query DistributorByUser($userId: ID!) { distributor(userId: $userId) {
  id code name status grade { name } upline { code name } directDownlineCount earnings { net { amount currency } } } }`;

export function CustomerWidget({ customerId }: { customerId: string }) {
  const { t } = useI18n();
  const { data, error } = useLoad(async () => {
    try {
      return { distributor: (await graphql<{ distributor: Found | null }>(BY_USER, { userId: customerId })).distributor, supported: true };
    } catch (caught) {
      if (isMissingFromSchema(caught)) return { distributor: null, supported: false };
      throw caught;
    }
  }, customerId);
  const found = data?.distributor;
  return (
    <Box padding={3} data-testid="widget-customer">
      <ErrorNotice error={error} />
      {data && !data.supported && <Text color="default2">{t("common.serverLacksFigures")}</Text>}
      {data?.supported && !found && <Text>{t("widget.notADistributor")}</Text>}
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
