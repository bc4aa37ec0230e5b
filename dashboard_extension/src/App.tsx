import { Box, Button, Text, ThemeProvider, useTheme } from "@saleor/macaw-ui";
import { useEffect, type ReactNode } from "react";

import { setApiLanguage } from "./api/client";
import { reportRoute, useBridgeView, type BridgeView } from "./bridge/bridge";
import { I18nProvider, useI18n, type MessageKey } from "./i18n/i18n";
import { screenAccess, tokenPermissions, tokenUserId, type Screen } from "./permissions";
import { navigate, useRoute } from "./router";
import { Applications } from "./screens/Applications";
import { Commissions } from "./screens/Commissions";
import { DistributorDetail } from "./screens/DistributorDetail";
import { Distributors } from "./screens/Distributors";
import { Overview } from "./screens/Overview";
import { Payouts } from "./screens/Payouts";
import { Programme } from "./screens/Programme";
import { CustomerWidget } from "./widgets/CustomerWidget";
import { OrderWidget } from "./widgets/OrderWidget";
import { SessionContext } from "./session";

const NAVIGATION: { screen: Screen; path: string; label: MessageKey }[] = [
  { screen: "overview", path: "/overview", label: "nav.overview" },
  { screen: "applications", path: "/applications", label: "nav.applications" },
  { screen: "distributors", path: "/distributors", label: "nav.distributors" },
  { screen: "commissions", path: "/commissions", label: "nav.commissions" },
  { screen: "payouts", path: "/payouts", label: "nav.payouts" },
  { screen: "programme", path: "/programme", label: "nav.programme" },
];

function ThemeFollower({ theme }: { theme: BridgeView["theme"] }) {
  const { setTheme } = useTheme();
  useEffect(() => {
    setTheme(theme === "dark" ? "defaultDark" : "defaultLight");
  }, [theme, setTheme]);
  return null;
}

function Disabled({ missing }: { missing: string[] }) {
  const { t } = useI18n();
  return (
    <Box padding={6} data-testid="screen-disabled">
      <Text size={5} fontWeight="bold" display="block">
        {t("access.disabledTitle")}
      </Text>
      <Text display="block" marginTop={2}>
        {t("access.needs", { permission: missing.join(" / ") })}
      </Text>
    </Box>
  );
}

function Guard({ screen, permissions, children }: { screen: Screen; permissions: string[]; children: ReactNode }) {
  const access = screenAccess(screen, permissions);
  return access.allowed ? <>{children}</> : <Disabled missing={access.missing} />;
}

function screenFor(segments: string[]): { screen: Screen; element: ReactNode } {
  const [first, second] = segments;
  switch (first) {
    case "applications":
      return { screen: "applications", element: <Applications /> };
    case "distributors":
      return second
        ? { screen: "distributors", element: <DistributorDetail id={decodeURIComponent(second)} /> }
        : { screen: "distributors", element: <Distributors /> };
    case "commissions":
      return { screen: "commissions", element: <Commissions /> };
    case "payouts":
      return { screen: "payouts", element: <Payouts /> };
    case "programme":
      return { screen: "programme", element: <Programme /> };
    default:
      return { screen: "overview", element: <Overview /> };
  }
}

function Shell({ view }: { view: BridgeView }) {
  const { t } = useI18n();
  const route = useRoute();
  const permissions = tokenPermissions(view.token);
  useEffect(() => {
    reportRoute(route.path);
    // A new screen starts at its top, not where the previous list was scrolled to.
    window.scrollTo(0, 0);
  }, [route.path]);

  if (!view.ready) {
    return (
      <Box padding={6}>
        <Text data-testid="waiting">{t("app.waitingForDashboard")}</Text>
      </Box>
    );
  }
  if (route.segments[0] === "widgets") {
    const widget = route.segments[1] === "customer" ? "customerWidget" : "orderWidget";
    return (
      <Guard screen={widget} permissions={permissions}>
        {widget === "customerWidget" ? (
          <CustomerWidget customerId={route.params.get("customerId") ?? ""} />
        ) : (
          <OrderWidget orderId={route.params.get("orderId") ?? ""} />
        )}
      </Guard>
    );
  }
  const { screen, element } = screenFor(route.segments);
  return (
    <Box display="flex" flexDirection="column" padding={5} gap={4}>
      <Box as="nav" display="flex" gap={2} flexWrap="wrap" data-testid="nav">
        {NAVIGATION.map((item) => {
          const access = screenAccess(item.screen, permissions);
          return (
            <Button
              key={item.screen}
              variant={item.screen === screen ? "primary" : "tertiary"}
              onClick={() => navigate(item.path)}
              disabled={!access.allowed}
              title={access.allowed ? undefined : t("access.needs", { permission: access.missing.join(" / ") })}
              data-screen={item.screen}
            >
              {t(item.label)}
            </Button>
          );
        })}
      </Box>
      <Guard screen={screen} permissions={permissions}>
        {element}
      </Guard>
    </Box>
  );
}

export function App() {
  const view = useBridgeView();
  useEffect(() => {
    setApiLanguage(view.locale);
    document.documentElement.lang = view.locale;
  }, [view.locale]);
  return (
    <ThemeProvider defaultTheme={view.theme === "dark" ? "defaultDark" : "defaultLight"}>
      <ThemeFollower theme={view.theme} />
      <I18nProvider locale={view.locale}>
        <SessionContext.Provider
          value={{ token: view.token, permissions: tokenPermissions(view.token), userId: tokenUserId(view.token) }}
        >
          <Box backgroundColor="default1" className="wfx-page">
            <Shell view={view} />
          </Box>
        </SessionContext.Provider>
      </I18nProvider>
    </ThemeProvider>
  );
}
