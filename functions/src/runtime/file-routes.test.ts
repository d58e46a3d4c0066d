import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { text } from 'node:stream/consumers';
import { tenantFiles } from '../services/files/file-store.js';
import { MemoryFileStore } from '../services/files/memory-file-store.js';
import { createRuntimeApp, listen, type ListeningServer } from './runtime-server.js';

let server: ListeningServer;
const files = new MemoryFileStore();
const origin = () => `http://127.0.0.1:${server.port}`;

beforeAll(async () => {
  const app = createRuntimeApp({ projectId: 'demo-crm-pro', region: 'us-central1', callables: new Map(), webDistDir: '/nonexistent', authEmulatorPort: 9099, files });
  server = await listen(app, '127.0.0.1', 0);
});
afterAll(async () => {
  await server.close();
});

describe('embedded runtime file routes', () => {
  it('uploads through a signed PUT and downloads through a signed GET', async () => {
    const path = tenantFiles.importSource('acme', 'job1', 'people.csv');
    const target = await files.uploadUrl(path, { contentType: 'text/csv', maxBytes: 1_000 });
    const put = await fetch(origin() + target.url, { method: 'PUT', headers: target.headers, body: 'name\nAda\n' });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ size: 9 });
    expect(await text(await files.read(path))).toBe('name\nAda\n');

    const url = await files.downloadUrl(path, { fileName: 'Personas año.csv' });
    const get = await fetch(origin() + url);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toContain('text/csv');
    expect(get.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('Personas año.csv')}`);
    expect(get.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await get.text()).toBe('name\nAda\n');
  });

  it('refuses forged, re-targeted and oversized requests with a JSON answer', async () => {
    const path = tenantFiles.importSource('acme', 'job2', 'people.csv');
    const target = await files.uploadUrl(path, { contentType: 'text/csv', maxBytes: 5 });
    const tooBig = await fetch(origin() + target.url, { method: 'PUT', headers: target.headers, body: '0123456789' });
    expect(tooBig.status).toBe(413);
    expect(await files.stat(path)).toBeNull();
    const wrongType = await fetch(origin() + target.url, { method: 'PUT', headers: { 'Content-Type': 'text/html' }, body: 'x' });
    expect(wrongType.status).toBe(415);
    const asDownload = await fetch(origin() + target.url);
    expect(asDownload.status).toBe(403);
    const otherTenant = await fetch(origin() + target.url.replace('/acme/', '/globex/'), { method: 'PUT', headers: target.headers, body: 'x' });
    expect(otherTenant.status).toBe(403);
    expect(await otherTenant.json()).toMatchObject({ error: { status: 403 } });
    const missing = await fetch(origin() + (await files.downloadUrl(path, { fileName: 'x.csv' })));
    expect(missing.status).toBe(404);
  });
});
