import { HttpsError } from 'firebase-functions/v2/https';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../store/document-store.js';
import { CrmError } from '../services/errors.js';
import { STORE_REFUSED_MESSAGE, toHttpsError } from './to-https-error.js';

describe('toHttpsError', () => {
  it('answers a value the store refuses as the caller\'s mistake, not INTERNAL', () => {
    const error = toHttpsError(new StoreError('invalid-argument', 'Document id "__x__" is reserved at crm_tenants/t/records/__x__'));
    expect({ code: error.code, message: error.message }).toEqual({ code: 'invalid-argument', message: STORE_REFUSED_MESSAGE });
    expect(error.message).not.toContain('crm_tenants');
  });

  it('keeps domain messages and hides unexpected ones', () => {
    expect(toHttpsError(new CrmError('not-found', 'This record does not exist.')).code).toBe('not-found');
    const unexpected = toHttpsError(new Error('/work/secret/path.ts:12 exploded'));
    expect(unexpected).toBeInstanceOf(HttpsError);
    expect(unexpected.code).toBe('internal');
    expect(unexpected.message).not.toContain('/work');
  });
});
