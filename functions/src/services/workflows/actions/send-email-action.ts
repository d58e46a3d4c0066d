import type { z } from 'zod';
import type { SendEmailActionSchema } from '../../../engine/template/workflow-schema.js';
import { interpolate } from '../../../engine/workflows/interpolate.js';
import type { Mailer } from '../mailer.js';
import { actionKey, type ActionInput, type ActionOutcome, type WorkflowActionExecutor } from './workflow-action.js';

type SendEmailActionDef = z.infer<typeof SendEmailActionSchema>;
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

export class SendEmailActionExecutor implements WorkflowActionExecutor<SendEmailActionDef> {
  readonly type = 'send_email' as const;

  constructor(private readonly mailer: Mailer) {}

  async execute(input: ActionInput<SendEmailActionDef>): Promise<ActionOutcome> {
    const { action, context, index } = input;
    const base = { index, type: this.type } as const;
    const to = interpolate({ template: action.to, context });
    const recipients = splitAddresses(to.text);
    if (recipients.length === 0) {
      // An explicit outcome, never a mail to "undefined".
      const what = to.missing.length > 0 ? to.missing.map((path) => `{{${path}}}`).join(', ') : action.to;
      return { ...base, status: 'skipped', message: `No recipient: ${what} has no value for this record.`, detail: { missing: to.missing } };
    }
    const cc = (action.cc ?? []).flatMap((entry) => splitAddresses(interpolate({ template: entry, context }).text));
    const invalid = [...recipients, ...cc].filter((address) => !EMAIL.test(address));
    if (invalid.length > 0) {
      return { ...base, status: 'failed', message: `Not an email address: ${invalid.join(', ')}.`, detail: { invalid } };
    }
    const subject = interpolate({ template: action.subject, context });
    const html = interpolate({ template: action.body, context, escape: 'html' });
    const text = interpolate({ template: action.body, context });
    const missing = [...new Set([...subject.missing, ...text.missing])];
    // Header injection: a subject is one line whatever the record holds.
    const subjectLine = subject.text.replace(/[\r\n]+/g, ' ').trim();
    const note = missing.length > 0 ? ` (empty: ${missing.join(', ')})` : '';
    const detail = { to: recipients, cc, subject: subjectLine, text: text.text, missing };
    if (input.dryRun) return { ...base, status: 'would_run', message: `Would email ${recipients.join(', ')}${note}.`, detail };
    const result = await this.mailer.send({
      id: `${input.tenantId}_${actionKey(input)}`,
      tenantId: input.tenantId,
      recordId: input.record.id,
      workflowId: input.workflow.id,
      to: recipients,
      cc,
      subject: subjectLine,
      html: html.text.replace(/\r?\n/g, '<br>\n'),
      text: text.text,
      template: action.template,
      lateSince: input.run.lateSince,
    });
    return {
      ...base,
      status: 'success',
      message: result === 'duplicate' ? `Already queued for ${recipients.join(', ')} (redelivered event).` : `Queued for ${recipients.join(', ')}${note}.`,
      detail: { to: recipients, subject: subjectLine, missing },
    };
  }
}

function splitAddresses(text: string): string[] {
  return text
    .split(/[,;]/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}
