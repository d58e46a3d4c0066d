import type { TRecordResponse, TRecordView } from '../api/schemas.js';
import type { TestEnv, TestUser } from './build-test-env.js';
import { buildPatient } from './record-fixtures.js';

/** Creates an `acme` patient as `user` through crmCreateRecord, with a patient id (a unique field) no other record has. */
export async function createAcmePatient(env: TestEnv, user: TestUser, overrides: Record<string, unknown> = {}): Promise<TRecordView> {
  const data = buildPatient({ patient_id: `P-${Math.random().toString(36).slice(2, 12)}`, ...overrides });
  return (await env.call<TRecordResponse>(user, 'crmCreateRecord', { tenantId: 'acme', module: 'patients', data })).record;
}
