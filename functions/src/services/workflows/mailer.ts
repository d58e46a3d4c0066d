import { isStoreError, type DocumentStore, type StoreValue } from '../../store/document-store.js';
import { workflowPaths } from './workflow-paths.js';

export interface OutgoingMail {
  /** Deterministic per (run, action): a redelivered event writes the same id and sends nothing new. */
  readonly id: string;
  readonly tenantId: string;
  readonly recordId: string;
  readonly workflowId: string;
  readonly to: string[];
  readonly cc: string[];
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** The workflow action's template name, kept for reference (the extension's own templates are not used). */
  readonly template?: string | undefined;
  /** A late scheduled run's due instant: kept on the mail as `crmLate` so the outbox and support can tell. */
  readonly lateSince?: Date | undefined;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<'queued' | 'duplicate'>;
}

/**
 * Writes `mail/{id}` in the format of Firebase's Trigger Email extension
 * (`to`, `cc`, `message: { subject, html, text }`), which sends it in
 * production. In the embedded runtime nothing sends: the same documents are
 * the outbox the SPA lists. `create` makes the write idempotent.
 */
export class StoreMailer implements Mailer {
  constructor(
    private readonly store: DocumentStore,
    private readonly options: { now?: () => Date } = {},
  ) {}

  async send(mail: OutgoingMail): Promise<'queued' | 'duplicate'> {
    const doc: Record<string, StoreValue> = {
      to: mail.to,
      message: { subject: mail.subject, html: mail.html, text: mail.text },
      tenantId: mail.tenantId,
      recordId: mail.recordId,
      workflowId: mail.workflowId,
      createdAt: this.options.now?.() ?? new Date(),
    };
    if (mail.cc.length > 0) doc.cc = mail.cc;
    if (mail.template) doc.crmTemplate = mail.template;
    if (mail.lateSince) doc.crmLate = { plannedAt: mail.lateSince };
    try {
      await this.store.create(workflowPaths.mailDoc(mail.id), doc);
      return 'queued';
    } catch (error) {
      if (isStoreError(error, 'already-exists')) return 'duplicate';
      throw error;
    }
  }
}
