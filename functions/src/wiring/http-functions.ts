/**
 * The REST API function. Like the callables, defining it is cheap; the REST
 * handler, schemas and services are imported on the first request.
 */
import { onRequest } from 'firebase-functions/v2/https';
import type { Request, Response } from 'express';
import { loadOnce, warmUpInDeployedInstance } from './load-once.js';

export const loadRestHandler = loadOnce(async () => {
  const [{ handleRestRequest }, { expressRestHandler }, { TokenBucketLimiter }, { getInstanceServices }] = await Promise.all([
    import('../api/rest/rest-api.js'),
    import('../api/rest/express-rest-handler.js'),
    import('../services/integrations/rate-limiter.js'),
    import('./instance-services.js'),
  ]);
  // One limiter per instance (see rate-limiter.ts for what that means for the deployed limit).
  const limiter = new TokenBucketLimiter();
  const services = await getInstanceServices();
  return expressRestHandler((request) => handleRestRequest({ services, limiter }, request));
});

warmUpInDeployedInstance(loadRestHandler);

/** Integrations' door: `Authorization: Bearer <API key>`, no cookies, so no CORS either. */
export const crmApi = onRequest({ cors: false }, async (req: Request, res: Response) => {
  const serve = await loadRestHandler();
  await serve(req, res);
});
