import { z } from 'zod';

/** What `GET /__crm/runtime.json` of the local stack (`npm start`) answers. */
export const RuntimeConfigSchema = z.object({
  projectId: z.string().min(1),
  region: z.string().min(1),
  authEmulatorUrl: z.url(),
  functionsOrigin: z.url(),
  /** Optional: a Storage emulator or bucket, when the stack offers one. */
  storageBucket: z.string().min(1).optional(),
  storageEmulatorUrl: z.url().optional(),
});
export type RuntimeConfig = z.infer<typeof RuntimeConfigSchema>;

/** The deployed Firebase project, from `VITE_FIREBASE_*` at build time. */
export const DeployedConfigSchema = z.object({
  VITE_FIREBASE_API_KEY: z.string().min(1),
  VITE_FIREBASE_AUTH_DOMAIN: z.string().min(1),
  VITE_FIREBASE_PROJECT_ID: z.string().min(1),
  VITE_FIREBASE_APP_ID: z.string().min(1),
  VITE_FIREBASE_STORAGE_BUCKET: z.string().min(1).optional(),
  VITE_FIREBASE_REGION: z.string().min(1).default('us-central1'),
});

export interface FirebaseSetup {
  readonly options: { apiKey: string; authDomain?: string; projectId: string; appId?: string; storageBucket?: string };
  readonly region: string;
  /** Set in local mode: where the Auth and Functions emulators listen. */
  readonly emulators: { auth: string; functionsOrigin: string; storage?: string } | null;
}

/**
 * Production builds carry their Firebase config in the environment; a build
 * without it is the local stack's, which describes itself at runtime.json so
 * the same `dist/` works on any port.
 */
export async function loadFirebaseSetup(env: Record<string, unknown>, fetchJson: (url: string) => Promise<unknown>): Promise<FirebaseSetup> {
  if (typeof env.VITE_FIREBASE_PROJECT_ID === 'string' && env.VITE_FIREBASE_PROJECT_ID !== '') {
    const parsed = DeployedConfigSchema.safeParse(env);
    if (!parsed.success) {
      const missing = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
      throw new Error(`The Firebase configuration of this build is incomplete (${missing}).`);
    }
    const config = parsed.data;
    return {
      options: {
        apiKey: config.VITE_FIREBASE_API_KEY,
        authDomain: config.VITE_FIREBASE_AUTH_DOMAIN,
        projectId: config.VITE_FIREBASE_PROJECT_ID,
        appId: config.VITE_FIREBASE_APP_ID,
        ...(config.VITE_FIREBASE_STORAGE_BUCKET ? { storageBucket: config.VITE_FIREBASE_STORAGE_BUCKET } : {}),
      },
      region: config.VITE_FIREBASE_REGION,
      emulators: null,
    };
  }
  const runtime = RuntimeConfigSchema.parse(await fetchJson('/__crm/runtime.json'));
  return {
    // The Auth emulator accepts any API key; the project id must match the stack's.
    options: {
      apiKey: 'demo-api-key',
      projectId: runtime.projectId,
      ...(runtime.storageBucket ? { storageBucket: runtime.storageBucket } : {}),
    },
    region: runtime.region,
    emulators: {
      auth: runtime.authEmulatorUrl,
      functionsOrigin: runtime.functionsOrigin,
      ...(runtime.storageEmulatorUrl ? { storage: runtime.storageEmulatorUrl } : {}),
    },
  };
}
