import type { DocumentData, ReadOps } from '../../store/document-store.js';
import { canActOnRecord, canManageConfiguration } from '../../engine/permissions/evaluate-permission.js';
import { ATTACHMENT_MAX_BYTES, isAllowedAttachmentType } from '../../engine/timeline/attachment-limits.js';
import type { Caller } from '../caller.js';
import type { Services } from '../create-services.js';
import { CrmError, CRM_ERROR_CODES, invalidInput } from '../errors.js';
import { crmPaths } from '../paths.js';
import { resolveModule, type TenantConfig } from '../config/tenant-config.js';
import { asStoredRecord, type StoredRecord } from '../records/record-model.js';
import { recordNotFound } from '../records/records-service.js';
import { tenantFiles, type UploadTarget } from '../files/file-store.js';
import { timelinePaths } from './timeline-paths.js';

/** How long the browser has to PUT the file after asking (the signed URL's life). */
export const UPLOAD_URL_SECONDS = 15 * 60;
/** How long a download link works: long enough to start a large download on a slow line. */
export const DOWNLOAD_URL_SECONDS = 5 * 60;
/** A megabyte as the limits are written (MiB), for messages. */
const MB = 1024 * 1024;

export interface AttachmentView {
  readonly id: string;
  readonly recordId: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly uploadedBy: string;
  readonly createdAt: string;
}

/**
 * Files attached to a record (not a file field: any number, listed on the
 * timeline). The bytes go straight from the browser to the file store
 * (Cloud Storage, or the embedded runtime's folder) through a signed,
 * size- and type-bound upload URL; the callables never carry them.
 *
 * 1. `requestUpload` checks the caller may update the record, the size and
 *    the type (allow-list), and keeps a pending upload under the record.
 * 2. The browser PUTs the file.
 * 3. `confirm` checks the file arrived (`stat`: size within the limit and as
 *    announced, type as announced) and only then lists it on the record, in
 *    one transaction with removing the pending entry, so a file is listed
 *    once or not at all.
 *
 * Downloading needs read on the record; removing, the uploader or an owner or
 * admin (with read on the record).
 */
export class AttachmentsService {
  constructor(
    private readonly services: Services,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async requestUpload(
    caller: Caller,
    input: { recordId: string; fileName: string; contentType: string; size: number },
  ): Promise<{ attachmentId: string; upload: UploadTarget }> {
    const config = await this.services.configs.require(caller.tenantId);
    const record = await readRecord(this.services.store, caller, config, input.recordId);
    requireWritable(caller, config, record);
    const contentType = input.contentType.toLowerCase().split(';')[0]?.trim() ?? '';
    if (!isAllowedAttachmentType(contentType)) {
      throw invalidInput([{ path: 'contentType', message: 'is not a type that can be attached (images, PDF, text, CSV, office documents)', messageKey: 'timeline.errors.attachmentType' }]);
    }
    if (input.size > ATTACHMENT_MAX_BYTES) {
      throw invalidInput([{ path: 'size', message: `is over the limit of ${ATTACHMENT_MAX_BYTES / MB} MB`, messageKey: 'timeline.errors.attachmentTooLarge', params: { max: ATTACHMENT_MAX_BYTES / MB } }]);
    }
    const attachmentId = this.services.store.newId();
    const path = tenantFiles.attachment(caller.tenantId, record.module, input.recordId, attachmentId, input.fileName);
    const upload = await this.services.files.uploadUrl(path, { contentType, maxBytes: ATTACHMENT_MAX_BYTES, expiresInSeconds: UPLOAD_URL_SECONDS });
    const now = this.now();
    await this.services.store.create(pendingPath(caller.tenantId, input.recordId, attachmentId), {
      fileName: input.fileName,
      contentType,
      size: input.size,
      path,
      uploadedBy: caller.uid,
      createdAt: now,
      expiresAt: new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000),
    });
    return { attachmentId, upload };
  }

  async confirm(caller: Caller, recordId: string, attachmentId: string): Promise<AttachmentView> {
    const config = await this.services.configs.require(caller.tenantId);
    const pending = pendingPath(caller.tenantId, recordId, attachmentId);
    const listed = timelinePaths.attachment(caller.tenantId, recordId, attachmentId);
    // The file's facts come from the store (not the caller) before the transaction; the transaction re-checks the rest.
    const upload = await this.services.store.get(pending);
    if (!upload || upload.data.uploadedBy !== caller.uid) {
      // Confirmed already (a retried call) answers with the listed attachment.
      const existing = await this.services.store.get(listed);
      if (existing && existing.data.uploadedBy === caller.uid) return toAttachmentView(recordId, attachmentId, existing.data);
      throw attachmentNotFound();
    }
    const path = String(upload.data.path);
    const stat = await this.services.files.stat(path);
    if (!stat) {
      throw new CrmError(CRM_ERROR_CODES.precondition, 'The file has not arrived; upload it again.', [], { messageKey: 'timeline.errors.attachmentNotUploaded' });
    }
    const announcedType = String(upload.data.contentType);
    const tooBig = stat.size > ATTACHMENT_MAX_BYTES;
    const wrongType = stat.contentType !== undefined && stat.contentType.toLowerCase().split(';')[0]?.trim() !== announcedType;
    if (tooBig || wrongType || stat.size === 0) {
      // Whatever arrived is not what was allowed: it goes, and nothing is listed.
      await this.services.files.delete(path);
      await this.services.store.delete(pending);
      throw tooBig
        ? invalidInput([{ path: 'size', message: `is over the limit of ${ATTACHMENT_MAX_BYTES / MB} MB`, messageKey: 'timeline.errors.attachmentTooLarge', params: { max: ATTACHMENT_MAX_BYTES / MB } }])
        : invalidInput([{ path: 'contentType', message: 'the uploaded file is not of the announced type', messageKey: 'timeline.errors.attachmentType' }]);
    }
    const data: DocumentData = {
      fileName: String(upload.data.fileName),
      contentType: announcedType,
      size: stat.size,
      path,
      uploadedBy: caller.uid,
      createdAt: this.now(),
    };
    await this.services.store.runTransaction(async (tx) => {
      const record = await readRecord(tx, caller, config, recordId);
      const stillPending = await tx.get(pending);
      requireWritable(caller, config, record);
      if (!stillPending) throw attachmentNotFound();
      tx.create(listed, data);
      tx.delete(pending);
    });
    return toAttachmentView(recordId, attachmentId, data);
  }

  async downloadUrl(caller: Caller, recordId: string, attachmentId: string): Promise<{ url: string; fileName: string }> {
    const config = await this.services.configs.require(caller.tenantId);
    await readRecord(this.services.store, caller, config, recordId);
    const doc = await this.services.store.get(timelinePaths.attachment(caller.tenantId, recordId, attachmentId));
    if (!doc) throw attachmentNotFound();
    const fileName = String(doc.data.fileName);
    const url = await this.services.files.downloadUrl(String(doc.data.path), { fileName, expiresInSeconds: DOWNLOAD_URL_SECONDS });
    return { url, fileName };
  }

  /** The listing goes first: a file left behind by a failed delete is invisible; a listing without its file would not be. */
  async remove(caller: Caller, recordId: string, attachmentId: string): Promise<void> {
    const config = await this.services.configs.require(caller.tenantId);
    const listed = timelinePaths.attachment(caller.tenantId, recordId, attachmentId);
    const path = await this.services.store.runTransaction(async (tx) => {
      await readRecord(tx, caller, config, recordId);
      const doc = await tx.get(listed);
      if (!doc) throw attachmentNotFound();
      if (doc.data.uploadedBy !== caller.uid && !canManageConfiguration(caller)) {
        throw new CrmError(CRM_ERROR_CODES.forbidden, 'Only whoever attached the file, an owner or an admin can remove it.', [], {
          messageKey: 'timeline.errors.attachmentNotYours',
        });
      }
      tx.delete(listed);
      return String(doc.data.path);
    });
    await this.services.files.delete(path);
  }
}

function pendingPath(tenantId: string, recordId: string, attachmentId: string): string {
  return `${crmPaths.record(tenantId, recordId)}/attachment_uploads/${attachmentId}`;
}

async function readRecord(reader: ReadOps, caller: Caller, config: TenantConfig, recordId: string): Promise<StoredRecord> {
  const doc = await reader.get(crmPaths.record(caller.tenantId, recordId));
  const record = doc ? asStoredRecord(doc.data) : null;
  if (!record || !resolveModule(config, record.module)) throw recordNotFound();
  if (!canActOnRecord({ actor: caller, matrix: config.permissions, module: record.module, action: 'read', ownerId: record.ownerId })) throw recordNotFound();
  return record;
}

function requireWritable(caller: Caller, config: TenantConfig, record: StoredRecord): void {
  if (!canActOnRecord({ actor: caller, matrix: config.permissions, module: record.module, action: 'update', ownerId: record.ownerId })) {
    throw new CrmError(CRM_ERROR_CODES.forbidden, 'Your role may not attach files to this record.', [], { messageKey: 'timeline.errors.attachmentForbidden' });
  }
  if (record.deleted) {
    throw new CrmError(CRM_ERROR_CODES.precondition, `${record.number} is in the trash; restore it before editing.`, [], {
      messageKey: 'errors.record.inTrash',
      params: { number: record.number },
    });
  }
}

function attachmentNotFound(): CrmError {
  return new CrmError(CRM_ERROR_CODES.notFound, 'This attachment does not exist (it may have been removed).', [], { messageKey: 'timeline.errors.attachmentNotFound' });
}

function toAttachmentView(recordId: string, id: string, data: DocumentData): AttachmentView {
  const createdAt = data.createdAt instanceof Date ? data.createdAt.toISOString() : new Date(0).toISOString();
  return {
    id,
    recordId,
    fileName: String(data.fileName ?? ''),
    contentType: String(data.contentType ?? ''),
    size: typeof data.size === 'number' ? data.size : 0,
    uploadedBy: String(data.uploadedBy ?? ''),
    createdAt,
  };
}
