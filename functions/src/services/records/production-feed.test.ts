import { describe, expect, it } from 'vitest';
import { buildDoctor, buildPatient } from '../../test-support/record-fixtures.js';
import { buildWorkflowEnv } from '../workflows/test-support/build-workflow-env.js';
import type { TListRecordHistoryResponse } from '../../api/history-schemas.js';
import type { TRecordResponse } from '../../api/schemas.js';
import { invokeCallable, type CallableName } from '../../api/crm-api.js';

/**
 * The record trigger as production runs it: Firestore triggers are at least
 * once, unordered and concurrent, and retried after a throw. MemoryStore's
 * production-shaped feed delivers exactly that, from a seed, so a failure
 * replays. Whatever the delivery, every side effect happens once (history,
 * workflow runs and their mails) and every derived value ends correct (the
 * display value of a relationship after quick renames).
 */
const SEEDS = 10;
const ROUNDS_PER_SEED = 20;

describe('the record trigger under a production-shaped change feed', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    it(`seed ${seed}: ${ROUNDS_PER_SEED} rounds, each side effect once, derived values current`, async () => {
      const env = await buildWorkflowEnv({ changeFeed: { mode: 'production', seed, duplicateRate: 0.4, concurrency: 4 } });
      const owner = env.users.acmeOwner;
      // Calls that do not wait for the trigger: the next write races the previous write's events.
      const send = async (name: CallableName, data: Record<string, unknown>) =>
        ((await invokeCallable(env.services, name, { data: { tenantId: 'acme', ...data }, auth: owner.claims })) as TRecordResponse).record;
      for (let round = 0; round < ROUNDS_PER_SEED; round++) {
        const doctor = await send('crmCreateRecord', { module: 'doctors', data: buildDoctor({ full_name: `Dr. First ${seed}-${round}` }) });
        const patient = await send('crmCreateRecord', {
          module: 'patients',
          data: buildPatient({ patient_id: `P-${seed}-${round}`, email: `p${seed}x${round}@example.com`, primary_doctor: doctor.id }),
        });
        // Two quick renames: their events may arrive in either order, several times, while the patient's are in flight.
        const renamed = await send('crmUpdateRecord', { recordId: doctor.id, expectedVersion: doctor.version, data: { full_name: `Dr. Second ${seed}-${round}` } });
        await send('crmUpdateRecord', { recordId: doctor.id, expectedVersion: renamed.version, data: { full_name: `Dr. Final ${seed}-${round}` } });
        await env.settle();

        const shown = (await env.call<TRecordResponse>(owner, 'crmGetRecord', { tenantId: 'acme', recordId: patient.id })).record;
        expect(shown.related['primary_doctor']?.display, `seed ${seed} round ${round}: display after renames`).toBe(`Dr. Final ${seed}-${round}`);

        const history = await env.call<TListRecordHistoryResponse>(owner, 'crmListRecordHistory', { tenantId: 'acme', recordId: doctor.id, pageSize: 100 });
        expect(history.entries.map((e) => e.kind).sort(), `seed ${seed} round ${round}: one history entry per change`).toEqual(['created', 'updated', 'updated']);

        const welcome = (await env.outbox()).filter((mail) => mail.to.includes(`p${seed}x${round}@example.com`));
        expect(welcome, `seed ${seed} round ${round}: the welcome mail once`).toHaveLength(1);
      }
      env.stopFeed();
    }, 120_000);
  }
});
