import { crmPaths } from '../paths.js';

/**
 * One document per (roll-up field, child): which parent the child last
 * counted towards and with which value. Keyed by child, not by parent, so a
 * re-parented child finds what it must take away from its old parent.
 */
export const rollupPaths = {
  contributions: (tenantId: string) => `${crmPaths.tenant(tenantId)}/rollup_contributions`,
  contribution: (tenantId: string, rollup: string, childId: string) => `${crmPaths.tenant(tenantId)}/rollup_contributions/${rollup}:${childId}`,
} as const;

export const ROLLUP_CONTRIBUTIONS_COLLECTION_ID = 'rollup_contributions';
