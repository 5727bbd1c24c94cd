/** Where the gateway is, from the storefront server (`/config.json`): one build runs anywhere. */
export interface StoreConfig {
  gatewayUrl: string;
  gatewayWsUrl: string;
  demoLogin: boolean;
}

export async function loadStoreConfig(): Promise<StoreConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  return (await response.json()) as StoreConfig;
}
