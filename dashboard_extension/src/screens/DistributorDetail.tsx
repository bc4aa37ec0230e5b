export function DistributorDetail({ id }: { id: string }) {
  return <div data-testid="screen-distributor">{id}</div>;
}
