export function Programme() {
  return <div data-testid="screen-programme" />;
}
