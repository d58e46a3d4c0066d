import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { FileNotFoundError, safeFileName, tenantFiles, type FileStore } from '../services/files/file-store.js';
import { MemoryFileStore } from '../services/files/memory-file-store.js';
import { UploadRefusedError, type SignedUrlFileStore } from '../services/files/signed-url-file-store.js';
import { LocalFileStore } from './local-file-store.js';

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

let clock = Date.parse('2026-11-30T10:00:00Z');
const now = () => clock;

async function localStore(): Promise<LocalFileStore> {
  const folder = await mkdtemp(join(tmpdir(), 'crm-files-'));
  folders.push(folder);
  return LocalFileStore.open(folder, { now });
}

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

async function* failingAfter(part: string): AsyncIterable<Uint8Array> {
  yield Buffer.from(part);
  throw new Error('the client went away');
}

const stores: Array<[string, () => Promise<SignedUrlFileStore & FileStore>]> = [
  ['memory', async () => new MemoryFileStore({ now })],
  ['local folder', localStore],
];

describe.each(stores)('file store contract: %s', (_name, open) => {
  it('writes, stats, reads and deletes', async () => {
    const files = await open();
    const path = tenantFiles.jobOutput('acme', 'job1', 'export.csv');
    expect(await files.write(path, chunks('a,b\n', '1,2\n'), { contentType: 'text/csv' })).toEqual({ size: 8 });
    expect(await files.stat(path)).toEqual({ size: 8, contentType: 'text/csv' });
    expect(await text(await files.read(path))).toBe('a,b\n1,2\n');
    await files.write(path, 'replaced');
    expect(await text(await files.read(path))).toBe('replaced');
    await files.delete(path);
    await files.delete(path);
    expect(await files.stat(path)).toBeNull();
    await expect(files.read(path)).rejects.toBeInstanceOf(FileNotFoundError);
  });

  it('keeps the old file when a write fails half-way', async () => {
    const files = await open();
    const path = tenantFiles.importSource('acme', 'job2', 'people.csv');
    await files.write(path, 'old');
    await expect(files.write(path, failingAfter('new and torn'))).rejects.toThrow('the client went away');
    expect(await text(await files.read(path))).toBe('old');
  });

  it('refuses paths that climb out or are not paths', async () => {
    const files = await open();
    for (const bad of ['../x', 'crm/acme/../globex/x', '/abs', 'crm//x', 'crm/acme/x\u0000']) {
      await expect(files.write(bad, 'x')).rejects.toThrow(/Not a file path/);
    }
  });

  it('grants a signed download only for that path, until it expires', async () => {
    const files = await open();
    const path = tenantFiles.attachment('acme', 'patients', 'r1', 'a1', 'scan (1).pdf');
    await files.write(path, 'pdf');
    const url = await files.downloadUrl(path, { fileName: 'scan (1).pdf', expiresInSeconds: 60 });
    expect(url.startsWith('/__crm/files/crm/acme/')).toBe(true);
    expect(files.grantFor(url, 'get')).toMatchObject({ op: 'get', path, fileName: 'scan (1).pdf' });
    expect(files.grantFor(url, 'put')).toBeNull();
    expect(files.grantFor(url.replace('/acme/', '/globex/'), 'get')).toBeNull();
    expect(files.grantFor(url.replace(/sig=[^&]+/, 'sig=AAAA'), 'get')).toBeNull();
    expect(files.grantFor(url.replace(/exp=(\d+)/, (_m, exp: string) => `exp=${Number(exp) + 3600}`), 'get')).toBeNull();
    clock += 61_000;
    expect(files.grantFor(url, 'get')).toBeNull();
  });

  it('accepts a signed upload of the signed type within its size, and nothing else', async () => {
    const files = await open();
    const path = tenantFiles.importSource('acme', 'job3', 'people.csv');
    const target = await files.uploadUrl(path, { contentType: 'text/csv', maxBytes: 10 });
    expect(target).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'text/csv' } });
    const grant = files.grantFor(target.url, 'put')!;
    expect(grant).toMatchObject({ path, maxBytes: 10, contentType: 'text/csv' });
    await expect(files.acceptUpload(grant, chunks('x'), 'application/pdf')).rejects.toMatchObject({ status: 415 });
    await expect(files.acceptUpload(grant, chunks('0123456', '789A'), 'text/csv')).rejects.toBeInstanceOf(UploadRefusedError);
    expect(await files.stat(path)).toBeNull();
    expect(await files.acceptUpload(grant, chunks('a,b', '\n'), 'text/csv; charset=utf-8')).toEqual({ size: 4 });
    expect(await text(await files.read(path))).toBe('a,b\n');
  });
});

describe('local file store', () => {
  it('leaves no temporary files behind and keeps its URL secret across restarts', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'crm-files-'));
    folders.push(folder);
    const first = await LocalFileStore.open(folder, { now });
    const path = tenantFiles.jobOutput('acme', 'job4', 'out.csv');
    await first.write(path, 'x');
    await first.write(path, failingAfter('y')).catch(() => undefined);
    const url = await first.downloadUrl(path, { fileName: 'out.csv' });
    const reopened = await LocalFileStore.open(folder, { now });
    expect(reopened.grantFor(url, 'get')).not.toBeNull();
    expect((await readdir(join(folder, 'crm', 'acme', '_jobs', 'job4'))).sort()).toEqual(['out.csv']);
  });
});

describe('safeFileName', () => {
  it('keeps a name a path segment', () => {
    expect(safeFileName('../../etc/passwd')).toBe('__.._etc_passwd');
    expect(safeFileName('a\u0000b/c\\d')).toBe('a_b_c_d');
    expect(safeFileName('')).toBe('file');
    expect(safeFileName(`${'x'.repeat(200)}.xlsx`)).toHaveLength(120);
    expect(safeFileName(`${'x'.repeat(200)}.xlsx`).endsWith('.xlsx')).toBe(true);
  });
});
