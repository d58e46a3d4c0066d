import { canActOnRecord } from '../../engine/permissions/evaluate-permission.js';
import type { Caller } from '../caller.js';
import type { Services } from '../create-services.js';
import { CrmError, CRM_ERROR_CODES, invalidInput } from '../errors.js';
import { crmPaths } from '../paths.js';
import { resolveModule } from '../config/tenant-config.js';
import { asStoredRecord } from '../records/record-model.js';
import { recordNotFound } from '../records/records-service.js';
import { workflowPaths } from '../workflows/workflow-paths.js';
import type { MemberDirectory } from './member-directory.js';

/**
 * Tasks people create on a record ("call back Friday", for a teammate),
 * beside the ones workflows and mentions create. Stored with the workflow
 * tasks (`crm_tenants/{t}/tasks`, `kind: 'manual'`), so "My tasks", the
 * record's task list and the timeline show them with no new query. Creating
 * one is an update of the record in the matrix's sense; the assignee must be
 * an active member of the tenant.
 */
export class RecordTasksService {
  constructor(
    private readonly services: Services,
    private readonly members: MemberDirectory,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(
    caller: Caller,
    input: { recordId: string; title: string; assigneeId: string; dueDate: string; description?: string | undefined },
  ): Promise<Record<string, unknown>> {
    const config = await this.services.configs.require(caller.tenantId);
    const active = await this.members.activeMembers(caller.tenantId, [input.assigneeId]);
    if (!active.has(input.assigneeId)) {
      throw invalidInput([{ path: 'assigneeId', message: 'is not a member of this tenant', messageKey: 'timeline.errors.assigneeNotMember' }]);
    }
    const id = this.services.store.newId();
    const now = this.now();
    const task = await this.services.store.runTransaction(async (tx) => {
      const doc = await tx.get(crmPaths.record(caller.tenantId, input.recordId));
      const record = doc ? asStoredRecord(doc.data) : null;
      if (!record || !resolveModule(config, record.module)) throw recordNotFound();
      if (!canActOnRecord({ actor: caller, matrix: config.permissions, module: record.module, action: 'read', ownerId: record.ownerId })) throw recordNotFound();
      if (!canActOnRecord({ actor: caller, matrix: config.permissions, module: record.module, action: 'update', ownerId: record.ownerId })) {
        throw new CrmError(CRM_ERROR_CODES.forbidden, 'Your role may not add tasks to this record.', [], { messageKey: 'timeline.errors.taskForbidden' });
      }
      if (record.deleted) {
        throw new CrmError(CRM_ERROR_CODES.precondition, `${record.number} is in the trash; restore it before editing.`, [], {
          messageKey: 'errors.record.inTrash',
          params: { number: record.number },
        });
      }
      const data = {
        title: input.title.trim(),
        description: input.description?.trim() || null,
        recordId: input.recordId,
        module: record.module,
        recordNumber: record.number,
        recordDisplay: record.display,
        assigneeId: input.assigneeId,
        dueDate: input.dueDate,
        status: 'open',
        workflowId: null,
        kind: 'manual',
        createdBy: caller.uid,
        createdAt: now,
        completedAt: null,
      } as const;
      tx.create(workflowPaths.task(caller.tenantId, id), { ...data });
      return data;
    });
    return {
      id,
      ...task,
      createdAt: now.toISOString(),
      completedAt: null,
    };
  }
}
