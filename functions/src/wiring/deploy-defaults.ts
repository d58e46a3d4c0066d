/**
 * Defaults shared by the deploy-time params (`deploy-params.ts`, read by the
 * Firebase CLI from `functions/.env`) and the run-time config
 * (`instance-config.ts`, read from the same variables in `process.env`), so a
 * setting left out of `.env` means the same thing at deploy and at run time.
 */
export const DEPLOY_DEFAULTS = {
  region: 'us-central1',
  maxInstances: 50,
  enforceAppCheck: false,
  timeZone: 'UTC',
} as const;
