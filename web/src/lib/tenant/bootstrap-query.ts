import type { QueryClient } from '@tanstack/react-query';
import type { Functions } from 'firebase/functions';
import type { TBootstrapResponse, TConfigView } from '@crm/api';
import { callCrm } from '../api/call-crm';

export const bootstrapKey = (tenantId: string) => ['crm', tenantId, 'bootstrap'] as const;
export const tenantKey = (tenantId: string) => ['crm', tenantId] as const;

export function bootstrapQuery(functions: Functions, tenantId: string) {
  return {
    queryKey: bootstrapKey(tenantId),
    queryFn: () => callCrm(functions, 'crmBootstrap', { tenantId }),
    staleTime: 60_000,
  };
}

/**
 * Config-changing callables answer with the new config: put it in place at
 * once (the sidebar and forms update without a round trip), then refetch so
 * permissions for new modules arrive too.
 */
export async function applyConfig(client: QueryClient, tenantId: string, config: TConfigView): Promise<void> {
  client.setQueryData<TBootstrapResponse>(bootstrapKey(tenantId), (current) =>
    current ? { ...current, templateSelected: true, config } : current,
  );
  await client.invalidateQueries({ queryKey: bootstrapKey(tenantId) });
}
