/**
 * Settings `firebase deploy` resolves from `functions/.env` (or
 * `.env.<project-id>`) and the deployed functions then see as environment
 * variables: one source for where and how the functions are deployed and for
 * what the code does at run time (`instance-config.ts` reads the same names).
 *
 * `firebase-functions/params` is its own small entry point; it does not pull
 * the `firebase-functions/v2` barrel into the cold start.
 */
import { defineBoolean, defineInt, defineString } from 'firebase-functions/params';
import { DEPLOY_DEFAULTS } from './deploy-defaults.js';

export const regionParam = defineString('CRM_REGION', {
  default: DEPLOY_DEFAULTS.region,
  description: 'Cloud Functions region of every CRM function and of its task queues.',
});

export const maxInstancesParam = defineInt('CRM_MAX_INSTANCES', {
  default: DEPLOY_DEFAULTS.maxInstances,
  description: 'Upper bound of instances per function.',
});

export const enforceAppCheckParam = defineBoolean('CRM_ENFORCE_APP_CHECK', {
  default: DEPLOY_DEFAULTS.enforceAppCheck,
  description: 'Refuse callable requests without a valid App Check token (turn on once the SPA ships App Check).',
});
