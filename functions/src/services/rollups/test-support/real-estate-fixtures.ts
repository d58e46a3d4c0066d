import type { TestEnv } from '../../../test-support/build-test-env.js';
import type { TRecordResponse } from '../../../api/schemas.js';

/**
 * Real Estate records for roll-up tests and benches: agents (parents) and
 * deals (children; a deal needs a property and a client, made once here).
 */
export async function realEstateFixtures(env: TestEnv) {
  const create = async (module: string, data: Record<string, unknown>) =>
    (await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', { tenantId: 'acme', module, data })).record;
  const property = await create('properties', {
    title: 'Flat', property_type: 'Apartment', listing_type: 'Sale', address: '1 Main St', city: 'Springfield', price: 100000, status: 'Available',
  });
  const client = await create('leads', { full_name: 'Client', phone: '+1 555 0100', interest: 'Buy', status: 'New' });
  let agents = 0;
  return {
    create,
    agent: (name: string) => {
      agents += 1;
      return create('agents', { full_name: name, email: `agent${agents}-${Date.now()}@example.com`, phone: `+1 555 01${String(agents).padStart(2, '0')}`, status: 'Active' });
    },
    deal: (data: Record<string, unknown>) =>
      create('deals', { deal_name: 'Deal', property: property.id, client: client.id, deal_type: 'Sale', offer_amount: 1, stage: 'Offer Made', ...data }),
  };
}
