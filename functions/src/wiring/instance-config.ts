import { z } from 'zod';
import { DEPLOY_DEFAULTS } from './deploy-defaults.js';

/**
 * The environment this process runs in, read once and validated: a typo in
 * `functions/.env` fails the first request with a message naming the
 * variable, instead of silently deploying to one region and enqueueing tasks
 * in another. Only `wiring/` reads `process.env`; services get plain values.
 */
const ZInstanceEnvironment = z.object({
  CRM_REGION: z
    .string()
    .regex(/^[a-z]+-[a-z]+[0-9]+$/, 'must be a Cloud Functions region such as us-central1')
    .default(DEPLOY_DEFAULTS.region),
  CRM_STORE: z.enum(['firestore', 'memory']).default('firestore'),
  CRM_TASKS: z.enum(['cloud', 'store']).optional(),
  CRM_TIME_ZONE: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone such as Europe/Madrid')
    .default(DEPLOY_DEFAULTS.timeZone),
  CRM_ENFORCE_APP_CHECK: z.enum(['true', 'false']).optional(),
  K_SERVICE: z.string().optional(),
  FUNCTION_TARGET: z.string().optional(),
  FUNCTIONS_EMULATOR: z.string().optional(),
});

export interface InstanceConfig {
  readonly region: string;
  /** `memory`: the embedded runtime's persisted MemoryStore (never set in a deploy). */
  readonly store: 'firestore' | 'memory';
  /** Who runs delayed workflow work: Cloud Tasks when deployed, the store-backed queue elsewhere. */
  readonly tasks: 'cloud' | 'store';
  /** Who drives template migrations: a Cloud Task per slice when deployed, a background loop elsewhere. */
  readonly migrations: 'task-queue' | 'inline';
  /** Who runs job slices (imports, exports, bulk actions): the same choice as migrations. */
  readonly jobs: 'task-queue' | 'inline';
  /** Where files live: the project's Cloud Storage bucket, or the data folder of the embedded runtime. */
  readonly files: 'cloud-storage' | 'local';
  readonly timeZone: string;
  readonly enforceAppCheck: boolean;
  /** True inside Cloud Functions (or its emulator): the platform sets `K_SERVICE` / `FUNCTION_TARGET`. */
  readonly deployed: boolean;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export class InstanceConfigError extends Error {
  override readonly name = 'InstanceConfigError';
}

/** Parses an environment (tests pass their own); throws naming every bad variable. */
export function parseInstanceConfig(env: Readonly<Record<string, string | undefined>>): InstanceConfig {
  // An empty variable (`CRM_TASKS=` in a shell or .env) means "not set", as for most tools.
  const parsed = ZInstanceEnvironment.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new InstanceConfigError(`Invalid function configuration (functions/.env or the environment): ${issues}`);
  }
  const e = parsed.data;
  const deployed = e.K_SERVICE !== undefined || e.FUNCTION_TARGET !== undefined;
  const inCloud = deployed && e.CRM_STORE === 'firestore';
  return {
    region: e.CRM_REGION,
    store: e.CRM_STORE,
    tasks: e.CRM_TASKS ?? (inCloud ? 'cloud' : 'store'),
    // The functions emulator has no Cloud Tasks dispatcher for migrations: it runs them inline.
    migrations: inCloud && e.FUNCTIONS_EMULATOR !== 'true' ? 'task-queue' : 'inline',
    jobs: inCloud && e.FUNCTIONS_EMULATOR !== 'true' ? 'task-queue' : 'inline',
    files: e.CRM_STORE === 'memory' ? 'local' : 'cloud-storage',
    timeZone: e.CRM_TIME_ZONE,
    enforceAppCheck: (e.CRM_ENFORCE_APP_CHECK ?? String(DEPLOY_DEFAULTS.enforceAppCheck)) === 'true',
    deployed,
  };
}

let current: InstanceConfig | undefined;

/** This process's configuration, parsed from `process.env` on first use. */
export function instanceConfig(): InstanceConfig {
  current ??= parseInstanceConfig(process.env);
  return current;
}
