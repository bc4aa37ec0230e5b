export function OrderWidget({ orderId }: { orderId: string }) {
  return <div data-testid="widget-order">{orderId}</div>;
}
