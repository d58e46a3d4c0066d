import type { Request, Response } from 'express';
import type { RestRequest, RestResponse } from './rest-api.js';

/**
 * Adapts an Express request (Cloud Functions' onRequest or the embedded
 * runtime's mount) to the REST layer and writes its answer back. The path is
 * the part below the function's root, as both hosts give it in `req.path`.
 */
export function expressRestHandler(handle: (request: RestRequest) => Promise<RestResponse>) {
  return async (req: Request, res: Response): Promise<void> => {
    const fullPath = req.originalUrl.split('?')[0] ?? '';
    const mount = fullPath.endsWith(req.path) ? fullPath.slice(0, fullPath.length - req.path.length) : '';
    const response = await handle({
      method: req.method,
      path: req.path,
      query: req.query as Record<string, unknown>,
      headers: req.headers,
      body: req.body as unknown,
      baseUrl: `${req.protocol}://${req.get('host') ?? 'localhost'}${mount}`,
    });
    res.status(response.status);
    // Answers hold tenant data: never cached by a proxy or the browser.
    res.set('cache-control', 'no-store');
    for (const [name, value] of Object.entries(response.headers)) res.set(name, value);
    res.json(response.body);
  };
}
