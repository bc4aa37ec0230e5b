import { Box, Text } from "@saleor/macaw-ui";
import { useEffect } from "react";

import { graphql } from "../api/client";
import { getBridge } from "../bridge/bridge";
import { EmptyRow, ErrorNotice, MoneyText, Table } from "../components/ui";
import { type Money } from "../format";
import { useLoad } from "../hooks";
import { useI18n, type MessageKey } from "../i18n/i18n";

type OrderCommission = {
  orderNumber: string;
  currency: string;
  cancelled: boolean;
  givenBack: Money;
  commissions: { id: string; level: number; distributor: { code: string; name: string }; productName: string; rate: string; amount: Money; status: string }[];
};
type Attribution = { submittedCode: string; source: string; reason: string | null; sellerCode: string | null };

const M = "{ amount currency }";
const COMMISSION = `query OrderCommission($id: ID!) { orderCommission(orderId: $id) { orderNumber currency cancelled givenBack ${M}
  commissions { id level distributor { code name } productName rate amount ${M} status } } }`;
const ATTRIBUTION = `query OrderAttribution($id: UUID!) { orderAttribution(orderId: $id) { submittedCode source reason sellerCode } }`;

/** Saleor's Order global id (base64 "Order:<uuid>") → the uuid the plugin stores. */
export function orderUuid(orderId: string): string {
  try {
    const [type, uuid] = atob(orderId).split(":");
    if (type === "Order" && uuid) return uuid;
  } catch {
    // Already a uuid.
  }
  return orderId;
}

export function OrderWidget({ orderId }: { orderId: string }) {
  const { t } = useI18n();
  const { data, error } = useLoad(async () => {
    const [commission, attribution] = await Promise.all([
      graphql<{ orderCommission: OrderCommission | null }>(COMMISSION, { id: orderId }),
      graphql<{ orderAttribution: Attribution | null }>(ATTRIBUTION, { id: orderUuid(orderId) }),
    ]);
    return { commission: commission.orderCommission, attribution: attribution.orderAttribution };
  }, orderId);
  useEffect(() => {
    // The widget's frame grows with its content instead of scrolling inside the order page.
    const height = document.body.scrollHeight;
    getBridge()
      ?.dispatch({ type: "widgetResize", payload: { actionId: crypto.randomUUID(), height } } as never)
      .catch(() => undefined);
  }, [data]);

  return (
    <Box padding={3} data-testid="widget-order">
      <ErrorNotice error={error} />
      {data && !data.attribution && !data.commission && <Text>{t("widget.orderNotReferred")}</Text>}
      {data?.attribution && (
        <Text display="block" marginBottom={2}>
          {t("widget.referredBy", { code: data.attribution.sellerCode ?? "—" })} · {t("widget.submittedCode", { code: data.attribution.submittedCode || "—" })} ·{" "}
          {data.attribution.source}
          {data.attribution.reason ? ` · ${data.attribution.reason}` : ""}
        </Text>
      )}
      {data?.commission && (
        <>
          {data.commission.cancelled && (
            <Text display="block" color="critical1">
              {t("widget.cancelled")}
            </Text>
          )}
          <Table columns={[t("commissions.level"), t("commissions.distributor"), t("commissions.product"), t("commissions.rate"), t("commissions.amount"), t("distributors.status")]}>
            {data.commission.commissions.length === 0 && <EmptyRow span={6} />}
            {data.commission.commissions.map((line) => (
              <tr key={line.id}>
                <td>{t("commissions.levelN", { level: line.level })}</td>
                <td>
                  {line.distributor.code} {line.distributor.name}
                </td>
                <td>{line.productName}</td>
                <td>{line.rate}%</td>
                <td>
                  <MoneyText money={line.amount} />
                </td>
                <td>{t(`status.commission.${line.status}` as MessageKey)}</td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </Box>
  );
}
