import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { logger } from 'firebase-functions/v2';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { SignedUrlFileStore } from '../services/files/signed-url-file-store.js';
import { addFileRoutes } from './file-routes.js';
import { isAddressInUse, PortInUseError, portInUseMessage } from './ports.js';

/** What the SPA fetches at start-up to find the emulators (`GET /__crm/runtime.json`). */
export interface RuntimeInfo {
  readonly projectId: string;
  readonly region: string;
  /** Where `connectAuthEmulator` points. */
  readonly authEmulatorUrl: string;
  /** Origin of this server, where `connectFunctionsEmulator` points. */
  readonly functionsOrigin: string;
}

/** A deployed function object as Express sees it; v2 `onCall` objects are exactly this. */
export type HttpsFunction = (req: Request, res: Response) => void | Promise<void>;

export interface RuntimeAppOptions {
  readonly projectId: string;
  readonly region: string;
  /** Callable name -> the exported `onCall` object. */
  readonly callables: ReadonlyMap<string, HttpsFunction>;
  readonly webDistDir: string;
  /** The Auth emulator's port; its host follows the host the browser used, like the functions origin. */
  readonly authEmulatorPort: number;
  /** The data folder's file store, whose signed URLs this server answers at `/__crm/files/…`. */
  readonly files?: SignedUrlFileStore;
  /** Name -> the exported `onRequest` object (the REST API), served at `/{projectId}/{region}/{name}/...`. */
  readonly httpFunctions?: ReadonlyMap<string, HttpsFunction>;
}

/**
 * The HTTP face of the embedded runtime: the callables at the Functions
 * emulator's URL layout (`/{projectId}/{region}/{name}`), the runtime
 * description for the SPA, and the built SPA with history fallback.
 */
export function createRuntimeApp(options: RuntimeAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Callables accept up to 10 MB in production; the same limit here.
  const json = express.json({ limit: '10mb' });

  for (const [name, fn] of options.callables) {
    // The onCall object answers CORS preflight itself (`cors: true` in index.ts), as the deployed function does.
    const handler: RequestHandler = (req, res) => fn(req, res);
    app.all(`/${options.projectId}/${options.region}/${name}`, json, handler);
  }
  for (const [name, fn] of options.httpFunctions ?? []) {
    // Mounted like the Functions emulator mounts onRequest: the function sees the path below its name.
    const handler: RequestHandler = (req, res) => fn(req, res);
    app.use(`/${options.projectId}/${options.region}/${name}`, json, handler, answerErrorsAsRest);
  }
  app.all(`/${options.projectId}/${options.region}/:name`, (req, res) => {
    res.status(404).json({ error: { status: 'NOT_FOUND', message: `No callable named ${req.params.name}.` } });
  });

  if (options.files) addFileRoutes(app, options.files);

  app.get('/__crm/runtime.json', (req, res) => {
    res.set('Cache-Control', 'no-store').json(runtimeInfoFor(req, options));
  });

  if (existsSync(join(options.webDistDir, 'index.html'))) {
    app.use(express.static(options.webDistDir, { index: false, maxAge: 0 }));
    // History-API routing: every other GET is the SPA's, except files that are genuinely missing.
    app.get(/^(?!\/__crm\/).*/, (req, res, next) => {
      if (/\.[a-z0-9]+$/i.test(req.path) && !req.path.endsWith('.html')) return next();
      res.set('Cache-Control', 'no-cache').sendFile(join(options.webDistDir, 'index.html'));
    });
  } else {
    app.get(/^(?!\/__crm\/).*/, (_req, res) => {
      res.status(503).type('html').send(missingSpaPage(options.webDistDir));
    });
  }
  app.use(answerErrorsAsCallable);
  return app;
}

/** What the body parser reports; its errors carry an HTTP status and a `type`. */
interface BodyParserError {
  readonly status?: unknown;
  readonly type?: unknown;
}

/**
 * Express's default error page is HTML with a stack trace and absolute
 * paths. Everything that fails before a callable runs (a body over the
 * limit, a body that is not JSON such as a raw `NaN`) is answered the way
 * the callable protocol answers errors instead: JSON `{ error: { status,
 * message } }`, a message for people, nothing about our files.
 */
export const answerErrorsAsCallable: ErrorRequestHandler = (error: unknown, req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const { status, type } = (typeof error === 'object' && error !== null ? error : {}) as BodyParserError;
  const reply = (http: number, code: string, message: string) => res.status(http).json({ error: { status: code, message } });
  if (type === 'entity.too.large') {
    reply(413, 'INVALID_ARGUMENT', 'The request is too large (at most 10 MB).');
  } else if (type === 'entity.parse.failed') {
    reply(400, 'INVALID_ARGUMENT', 'The request body is not valid JSON.');
  } else if (typeof status === 'number' && status >= 400 && status < 500 && typeof type === 'string') {
    // Other body-parser refusals: unsupported charset or encoding, a body that ended early.
    reply(status, 'INVALID_ARGUMENT', 'The request body could not be read.');
  } else if (typeof status === 'number' && status >= 400 && status < 500) {
    // Not the body: a file of the SPA that could not be sent (gone while web/dist was rebuilt, a bad range).
    logger.warn('The runtime could not send a file', { status, path: req.path, error: String(error) });
    reply(status, status === 404 ? 'NOT_FOUND' : 'INVALID_ARGUMENT', 'This page could not be loaded. Reload to try again.');
  } else {
    // Unexpected: the stack goes to the log, never to the client.
    logger.error('The runtime failed to answer a request', error);
    reply(500, 'INTERNAL', 'Something went wrong on our side. Try again; if it keeps failing, contact support.');
  }
};

/** Body-parser failures on the REST API, answered in its own error shape (api/rest/rest-schemas.ts). */
const answerErrorsAsRest: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const { status, type } = (typeof error === 'object' && error !== null ? error : {}) as BodyParserError;
  const reply = (http: number, message: string) => res.status(http).json({ error: { code: http === 500 ? 'internal' : 'invalid-input', message } });
  if (type === 'entity.too.large') reply(413, 'The request is too large (at most 10 MB).');
  else if (type === 'entity.parse.failed') reply(400, 'The request body is not valid JSON.');
  else if (typeof status === 'number' && status >= 400 && status < 500) reply(status, 'The request body could not be read.');
  else {
    logger.error('The runtime failed to answer a REST request', error);
    reply(500, 'Something went wrong on our side. Try again; if it keeps failing, contact support.');
  }
};

/**
 * Derived from the request's Host so that the SPA keeps working whether the
 * browser opened `127.0.0.1` or `localhost`.
 */
function runtimeInfoFor(req: Request, options: RuntimeAppOptions): RuntimeInfo {
  const hostHeader = req.get('host') ?? `127.0.0.1`;
  const hostname = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.split(':')[0] ?? '127.0.0.1';
  return {
    projectId: options.projectId,
    region: options.region,
    authEmulatorUrl: `${req.protocol}://${hostname}:${options.authEmulatorPort}`,
    functionsOrigin: `${req.protocol}://${hostHeader}`,
  };
}

function missingSpaPage(dir: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>CRM Pro</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto;">
<h1>CRM Pro is running, but the web app is not built</h1>
<p>Nothing was found in <code>${escapeHtml(dir)}</code>. Build it with</p>
<pre>npm run build --workspace web</pre>
<p>and reload this page (or start with <code>npm start</code> from the repository root, which builds it first).</p>
</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

export interface ListeningServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

/** Listens, turning EADDRINUSE into the same clear message as the up-front port check. */
export function listen(app: express.Express, host: string, port: number): Promise<ListeningServer> {
  const server = createServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', (error) => {
      reject(isAddressInUse(error) ? new PortInUseError(port, portInUseMessage(port, { what: 'The CRM', option: '--port or CRM_PORT' })) : error);
    });
    server.listen({ host, port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      resolve({
        server,
        port: bound,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive connections from the browser would hold close() open.
            server.closeAllConnections();
          }),
      });
    });
  });
}
