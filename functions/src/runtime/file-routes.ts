import { pipeline } from 'node:stream/promises';
import type express from 'express';
import { FILE_ROUTE_PREFIX, UploadRefusedError, type SignedUrlFileStore } from '../services/files/signed-url-file-store.js';

const FILE_ROUTE = new RegExp(`^${FILE_ROUTE_PREFIX.replace(/\//g, '\\/')}`);

/**
 * The embedded runtime's stand-in for Cloud Storage's signed URLs: GET and
 * PUT on `/__crm/files/…`, each allowed only by a URL the file store signed
 * (services/files/signed-url-file-store.ts). A signed URL is a bearer
 * capability, as in Cloud Storage, so any origin may use it (CORS `*`).
 */
export function addFileRoutes(app: express.Express, files: SignedUrlFileStore): void {
  const cors = (res: express.Response) => res.set({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, PUT', 'Access-Control-Allow-Headers': 'Content-Type' });
  const refuse = (res: express.Response, status: number, message: string) => cors(res).status(status).json({ error: { status, message } });

  app.options(FILE_ROUTE, (_req, res) => {
    cors(res).status(204).end();
  });

  app.get(FILE_ROUTE, async (req, res, next) => {
    try {
      const grant = files.grantFor(req.originalUrl, 'get');
      if (!grant) return refuse(res, 403, 'This download link is not valid or has expired.');
      const info = await files.stat(grant.path);
      if (!info) return refuse(res, 404, 'This file no longer exists.');
      cors(res).set({
        'Content-Type': info.contentType ?? 'application/octet-stream',
        'Content-Length': String(info.size),
        'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(grant.fileName ?? grant.path.split('/').pop()!)}`,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': 'sandbox',
        'Cache-Control': 'private, no-store',
      });
      await pipeline(await files.read(grant.path), res);
    } catch (error) {
      next(error);
    }
  });

  app.put(FILE_ROUTE, async (req, res, next) => {
    try {
      const grant = files.grantFor(req.originalUrl, 'put');
      if (!grant) return refuse(res, 403, 'This upload link is not valid or has expired.');
      const declared = Number(req.get('content-length'));
      if (grant.maxBytes !== undefined && Number.isFinite(declared) && declared > grant.maxBytes) {
        return refuse(res, 413, `The file is larger than the ${grant.maxBytes} bytes allowed.`);
      }
      const { size } = await files.acceptUpload(grant, req, req.get('content-type'));
      cors(res).status(200).json({ size });
    } catch (error) {
      if (error instanceof UploadRefusedError) return refuse(res, error.status, error.message);
      next(error);
    }
  });
}
