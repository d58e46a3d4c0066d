import { describe, expect, it } from 'vitest';
import { WorkflowDefinitionSchema } from './workflow-schema.js';

describe('workflow trigger aliases', () => {
  it("accepts the brief's field_updated and status_updated and stores our names", () => {
    const base = { name: 'W', actions: [{ type: 'create_task', title: 'Call' }] };
    expect(WorkflowDefinitionSchema.parse({ ...base, trigger_type: 'field_updated', trigger_config: { fields: ['status'] } }).trigger_type).toBe('field_changed');
    expect(WorkflowDefinitionSchema.parse({ ...base, trigger_type: 'status_updated' }).trigger_type).toBe('status_changed');
    expect(WorkflowDefinitionSchema.safeParse({ ...base, trigger_type: 'constructor' }).success).toBe(false);
  });
});
