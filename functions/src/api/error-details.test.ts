import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv } from '../test-support/build-test-env.js';
import { buildPatient } from '../test-support/record-fixtures.js';
import { CRM_ERROR_CODES, CrmError } from '../services/errors.js';
import { toHttpsError } from './to-https-error.js';
import type { TRecordResponse } from './schemas.js';

/** What the SPA reads from `HttpsError.details` to say an error in the user's language. */
interface WireDetails {
  code: string;
  messageKey: string;
  params: Record<string, string | number>;
  field?: string;
  issues: Array<{ path: string; message: string; messageKey?: string; params?: Record<string, string | number> }>;
}

let env: TestEnv;

beforeEach(async () => {
  env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
});

describe('error details carry a message key and parameters for the SPA', () => {
  it('gives every CrmError code a default key errors.<code>, keeping the English message for logs', () => {
    for (const code of Object.values(CRM_ERROR_CODES)) {
      const error = toHttpsError(new CrmError(code, 'An English sentence.'));
      expect(error.message).toBe('An English sentence.');
      expect(error.details).toMatchObject({ code, messageKey: `errors.${code}`, params: {} });
    }
  });

  it('sends each validation issue with validation.<reason> and the field label as a parameter', async () => {
    const error = await env.callError(env.users.acmeOwner, 'crmCreateRecord', {
      tenantId: 'acme',
      module: 'patients',
      data: buildPatient({ email: 'not-an-email', full_name: '' }),
    });
    expect(error.code).toBe('invalid-argument');
    const details = error.details as WireDetails;
    expect(details.messageKey).toBe('errors.invalid-input');
    expect(details.params).toEqual({ count: 2 });
    const byPath = new Map(details.issues.map((issue) => [issue.path, issue]));
    expect(byPath.get('data.email')).toMatchObject({
      message: '"Email" must be an email address like name@example.com',
      messageKey: 'validation.email',
      params: { field: 'Email' },
    });
    expect(byPath.get('data.full_name')).toMatchObject({ messageKey: 'validation.required', params: { field: 'Full Name' } });
  });

  it('names the record in a version conflict and the holder of a unique value', async () => {
    const { record } = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', {
      tenantId: 'acme', module: 'patients', data: buildPatient({ patient_id: 'P-9' }),
    });
    const conflict = await env.callError(env.users.acmeOwner, 'crmUpdateRecord', {
      tenantId: 'acme', recordId: record.id, expectedVersion: record.version + 5, data: { full_name: 'Ada L.' },
    });
    expect(conflict.details).toMatchObject({ messageKey: 'errors.record.changedElsewhere', params: { number: record.number } });

    const duplicate = await env.callError(env.users.acmeOwner, 'crmCreateRecord', {
      tenantId: 'acme', module: 'patients', data: buildPatient({ patient_id: 'p-9' }),
    });
    const details = duplicate.details as WireDetails;
    expect(details.messageKey).toBe('errors.record.duplicateValue');
    expect(details.issues[0]).toMatchObject({ path: 'data.patient_id', messageKey: 'validation.unique', params: { number: record.number } });
  });

  it('uses one key for a missing record whether it never existed or is not the caller’s', async () => {
    const error = await env.callError(env.users.acmeMember, 'crmGetRecord', { tenantId: 'acme', recordId: 'nope' });
    expect(error.code).toBe('not-found');
    expect(error.details).toMatchObject({ code: 'not-found', messageKey: 'errors.record.notFound' });
  });
});
