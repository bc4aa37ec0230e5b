export function Commissions() {
  return <div data-testid="screen-commissions" />;
}
