import { beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv, type TestUser } from '../test-support/build-test-env.js';
import { buildPatient } from '../test-support/record-fixtures.js';
import { ATTACHMENT_MAX_BYTES } from '../engine/timeline/attachment-limits.js';
import type { TRecordResponse } from './schemas.js';
import type { TAttachmentView, TListTimelineResponse, TRequestAttachmentUploadResponse } from './timeline-schemas.js';

/**
 * Attachments: a signed upload to the file store, confirmed only when the
 * file arrived as announced; listed on the timeline; downloaded through a
 * signed URL; removed by the uploader or an admin. The browser's PUT is
 * played here by writing to the test env's file store at the pending path.
 */
let env: TestEnv;

beforeEach(async () => {
  env = await buildTestEnv();
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  await env.call(env.users.globexOwner, 'crmSelectTemplate', { tenantId: 'globex', templateSlug: 'hospital' });
});

async function createPatient(user: TestUser = env.users.acmeOwner, overrides: Record<string, unknown> = {}) {
  return (await env.call<TRecordResponse>(user, 'crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient(overrides) })).record;
}

async function request(recordId: string, file: { fileName?: string; contentType?: string; size: number }, user: TestUser = env.users.acmeOwner) {
  return env.call<TRequestAttachmentUploadResponse>(user, 'crmRequestAttachmentUpload', {
    tenantId: 'acme',
    recordId,
    fileName: file.fileName ?? 'scan.pdf',
    contentType: file.contentType ?? 'application/pdf',
    size: file.size,
  });
}

/** Where the pending upload says the bytes go (what the signed URL points at). */
async function pendingPath(recordId: string, attachmentId: string): Promise<string> {
  const doc = await env.store.get(`crm_tenants/acme/records/${recordId}/attachment_uploads/${attachmentId}`);
  return String(doc?.data.path);
}

async function attach(recordId: string, body: string, user: TestUser = env.users.acmeOwner, contentType = 'text/plain') {
  const { attachmentId } = await request(recordId, { fileName: 'notes.txt', contentType, size: Buffer.byteLength(body) }, user);
  await env.services.files.write(await pendingPath(recordId, attachmentId), body, { contentType });
  return (await env.call<{ attachment: TAttachmentView }>(user, 'crmConfirmAttachment', { tenantId: 'acme', recordId, attachmentId })).attachment;
}

describe('attachments', () => {
  it('uploads to the tenant\'s attachment folder, lists the file on the timeline once confirmed, and downloads it', async () => {
    const patient = await createPatient();
    const { attachmentId, upload } = await request(patient.id, { fileName: 'notes.txt', contentType: 'text/plain', size: 11 });
    expect(upload.method).toBe('PUT');
    const path = await pendingPath(patient.id, attachmentId);
    expect(path).toBe(`crm/acme/_attachments/patients/${patient.id}/${attachmentId}/notes.txt`);
    // Not listed before the file arrived and was confirmed.
    const before = await env.call<TListTimelineResponse>(env.users.acmeOwner, 'crmListTimeline', { tenantId: 'acme', recordId: patient.id });
    expect(before.entries.some((entry) => entry.type === 'attachment')).toBe(false);
    await env.services.files.write(path, 'hello world', { contentType: 'text/plain' });
    const { attachment } = await env.call<{ attachment: TAttachmentView }>(env.users.acmeOwner, 'crmConfirmAttachment', { tenantId: 'acme', recordId: patient.id, attachmentId });
    expect(attachment).toMatchObject({ fileName: 'notes.txt', size: 11, contentType: 'text/plain', uploadedBy: 'acme-owner' });
    const after = await env.call<TListTimelineResponse>(env.users.acmeOwner, 'crmListTimeline', { tenantId: 'acme', recordId: patient.id });
    expect(after.entries.find((entry) => entry.type === 'attachment')).toMatchObject({ id: attachmentId, fileName: 'notes.txt', size: 11, canDelete: true });
    // A retried confirm answers the same attachment and lists nothing twice.
    await env.call(env.users.acmeOwner, 'crmConfirmAttachment', { tenantId: 'acme', recordId: patient.id, attachmentId });
    expect((await env.store.query({ collection: `crm_tenants/acme/records/${patient.id}/attachments` })).length).toBe(1);
    // A member who may read the patient downloads it.
    const { url, fileName } = await env.call<{ url: string; fileName: string }>(env.users.acmeMember, 'crmGetAttachmentDownload', { tenantId: 'acme', recordId: patient.id, attachmentId });
    expect(fileName).toBe('notes.txt');
    expect(url.length).toBeGreaterThan(0);
  });

  it('refuses types outside the allow-list and files over 25 MB before any upload, writing nothing', async () => {
    const patient = await createPatient();
    env.store.meter.reset();
    const html = await env.callError(env.users.acmeOwner, 'crmRequestAttachmentUpload', { tenantId: 'acme', recordId: patient.id, fileName: 'x.html', contentType: 'text/html', size: 10 });
    expect(html.code).toBe('invalid-argument');
    const svg = await env.callError(env.users.acmeOwner, 'crmRequestAttachmentUpload', { tenantId: 'acme', recordId: patient.id, fileName: 'x.svg', contentType: 'image/svg+xml', size: 10 });
    expect(svg.code).toBe('invalid-argument');
    const big = await env.callError(env.users.acmeOwner, 'crmRequestAttachmentUpload', { tenantId: 'acme', recordId: patient.id, fileName: 'x.pdf', contentType: 'application/pdf', size: ATTACHMENT_MAX_BYTES + 1 });
    expect(big.code).toBe('invalid-argument');
    expect(env.store.meter.read().writes).toBe(0);
  });

  it('lists nothing when the file did not arrive, or arrived bigger or of another type than allowed (and deletes what came)', async () => {
    const patient = await createPatient();
    const missing = await request(patient.id, { size: 10 });
    const notUploaded = await env.callError(env.users.acmeOwner, 'crmConfirmAttachment', { tenantId: 'acme', recordId: patient.id, attachmentId: missing.attachmentId });
    expect(notUploaded.code).toBe('failed-precondition');

    const wrong = await request(patient.id, { fileName: 'scan.pdf', contentType: 'application/pdf', size: 10 });
    const wrongPath = await pendingPath(patient.id, wrong.attachmentId);
    await env.services.files.write(wrongPath, '<script>alert(1)</script>', { contentType: 'text/html' });
    const refused = await env.callError(env.users.acmeOwner, 'crmConfirmAttachment', { tenantId: 'acme', recordId: patient.id, attachmentId: wrong.attachmentId });
    expect(refused.code).toBe('invalid-argument');
    expect(await env.services.files.stat(wrongPath)).toBeNull();
    expect((await env.store.query({ collection: `crm_tenants/acme/records/${patient.id}/attachments` })).length).toBe(0);
  });

  it('needs update rights to attach and read rights to download (read_own answers not-found)', async () => {
    const ownersPatient = await createPatient();
    const denied = await env.callError(env.users.acmeMember, 'crmRequestAttachmentUpload', { tenantId: 'acme', recordId: ownersPatient.id, fileName: 'a.pdf', contentType: 'application/pdf', size: 10 });
    expect(denied.code).toBe('permission-denied');
    const { record: medical } = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', {
      tenantId: 'acme', module: 'medical_records', data: { title: 'Visit', record_type: 'Lab Result', patient: ownersPatient.id, visit_date: '2026-01-01' },
    });
    const attachment = await attach(medical.id, 'confidential');
    const hidden = await env.callError(env.users.acmeMember, 'crmGetAttachmentDownload', { tenantId: 'acme', recordId: medical.id, attachmentId: attachment.id });
    expect(hidden.code).toBe('not-found');
    const otherTenant = await env.callError(env.users.globexOwner, 'crmGetAttachmentDownload', { tenantId: 'globex', recordId: medical.id, attachmentId: attachment.id });
    expect(otherTenant.code).toBe('not-found');
  });

  it('is removed by its uploader or an admin, file and listing', async () => {
    const patient = await createPatient(env.users.acmeMember, { patient_id: 'P-M' });
    const mine = await attach(patient.id, 'member file', env.users.acmeMember);
    const path = `crm/acme/_attachments/patients/${patient.id}/${mine.id}/notes.txt`;
    expect(await env.services.files.stat(path)).not.toBeNull();
    const stranger = await env.callError(env.users.acmeMember2, 'crmDeleteAttachment', { tenantId: 'acme', recordId: patient.id, attachmentId: mine.id });
    expect(stranger.code).toBe('permission-denied');
    await env.call(env.users.acmeAdmin, 'crmDeleteAttachment', { tenantId: 'acme', recordId: patient.id, attachmentId: mine.id });
    expect(await env.services.files.stat(path)).toBeNull();
    const gone = await env.callError(env.users.acmeMember, 'crmGetAttachmentDownload', { tenantId: 'acme', recordId: patient.id, attachmentId: mine.id });
    expect(gone.code).toBe('not-found');
  });
});
