import { describe, expect, it } from 'vitest';
import { InstanceConfigError, parseInstanceConfig } from './instance-config.js';

describe('parseInstanceConfig', () => {
  it('defaults to the deploy defaults and the store queue outside Cloud Functions (tests, scripts)', () => {
    expect(parseInstanceConfig({})).toEqual({
      region: 'us-central1',
      store: 'firestore',
      tasks: 'store',
      migrations: 'inline',
      jobs: 'inline',
      files: 'cloud-storage',
      timeZone: 'UTC',
      enforceAppCheck: false,
      deployed: false,
    });
  });

  it('uses Cloud Tasks for workflows and migrations in a deployed function', () => {
    const config = parseInstanceConfig({ K_SERVICE: 'crmonrecordwritten', CRM_REGION: 'europe-west1', CRM_ENFORCE_APP_CHECK: 'true' });
    expect(config).toMatchObject({ region: 'europe-west1', tasks: 'cloud', migrations: 'task-queue', jobs: 'task-queue', files: 'cloud-storage', enforceAppCheck: true, deployed: true });
  });

  it('keeps the embedded runtime on its own queue and inline migrations, unless CRM_TASKS says otherwise', () => {
    expect(parseInstanceConfig({ K_SERVICE: 'x', CRM_STORE: 'memory' })).toMatchObject({ tasks: 'store', migrations: 'inline', jobs: 'inline', files: 'local' });
    expect(parseInstanceConfig({ CRM_TASKS: 'cloud' })).toMatchObject({ tasks: 'cloud' });
    // The functions emulator has Cloud Tasks for workflow tasks but runs migrations in process.
    expect(parseInstanceConfig({ FUNCTION_TARGET: 'x', FUNCTIONS_EMULATOR: 'true' })).toMatchObject({ tasks: 'cloud', migrations: 'inline' });
  });

  it('refuses a bad value, naming every variable at fault', () => {
    const attempt = () => parseInstanceConfig({ CRM_REGION: 'Europe West', CRM_TIME_ZONE: 'Mars/Olympus', CRM_STORE: 'sqlite' });
    expect(attempt).toThrow(InstanceConfigError);
    expect(attempt).toThrow(/CRM_REGION: must be a Cloud Functions region.*CRM_STORE.*CRM_TIME_ZONE: must be an IANA time zone/);
  });
});

describe('parseInstanceConfig with empty variables', () => {
  it('reads an empty variable as not set', () => {
    expect(parseInstanceConfig({ CRM_STORE: '', CRM_TASKS: '', CRM_REGION: '' })).toMatchObject({ store: 'firestore', tasks: 'store', region: 'us-central1' });
  });
});
