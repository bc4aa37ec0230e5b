export function CustomerWidget({ customerId }: { customerId: string }) {
  return <div data-testid="widget-customer">{customerId}</div>;
}
