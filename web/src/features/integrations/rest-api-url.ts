import type { Functions } from 'firebase/functions';

/**
 * Where the REST API (`crmApi`, an onRequest function) answers: beside the
 * callables. Against the embedded runtime or an emulator the SDK keeps the
 * origin `connectFunctionsEmulator` set (not in its public type, hence the
 * narrow read); deployed, the default Cloud Functions URL of the region.
 */
export function restApiBaseUrl(functions: Functions): string {
  const projectId = functions.app.options.projectId ?? '';
  const emulatorOrigin = (functions as unknown as { emulatorOrigin?: unknown }).emulatorOrigin;
  if (typeof emulatorOrigin === 'string' && emulatorOrigin !== '') return `${emulatorOrigin}/${projectId}/${functions.region}/crmApi`;
  return `https://${functions.region}-${projectId}.cloudfunctions.net/crmApi`;
}
