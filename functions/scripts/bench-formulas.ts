/**
 * Formula fan-out figures: `npm run bench:formulas --workspace functions` (prints one JSON document).
 *
 * One doctor with N appointments whose formula reads `doctor.fee`; the doctor's
 * fee changes and the record handler's formula step recomputes every
 * dependent (MAX_INLINE_DEPENDENTS inline, the rest on a `formula-dependents`
 * job, as deployed). Reported: records recomputed per second over the whole
 * fan-out, and Firestore reads / writes per dependent on MemoryStore's
 * billing meter. Then the same change redelivered (at-least-once): what a
 * no-op pass costs. Machine-dependent; run on a quiet machine to compare.
 */
import { performance } from 'node:perf_hooks';
import { buildTestEnv } from '../src/test-support/build-test-env.js';
import { refreshFormulaDependents, MAX_INLINE_DEPENDENTS } from '../src/services/formulas/formula-dependents.js';
import type { DocumentChange } from '../src/store/document-store.js';
import type { TRecordResponse } from '../src/api/schemas.js';

const DEPENDENTS = Number(process.env.BENCH_DEPENDENTS ?? 2000);
const round = (value: number) => Number(value.toFixed(3));

async function main(): Promise<void> {
  const env = await buildTestEnv();
  const owner = env.users.acmeOwner;
  await env.call(owner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'blank' });
  const module = (slug: string, fields: unknown[]) => env.call(owner, 'crmCreateModule', { tenantId: 'acme', module: { slug, label: slug }, fields });
  await module('doctors', [
    { key: 'name', label: 'Name', type: 'text' },
    { key: 'fee', label: 'Fee', type: 'currency' },
  ]);
  await module('appointments', [
    { key: 'title', label: 'Title', type: 'text' },
    { key: 'doctor', label: 'Doctor', type: 'relationship', options: { related_module: 'doctors', display_field: 'name' } },
    { key: 'minutes', label: 'Minutes', type: 'number' },
    { key: 'price', label: 'Price', type: 'formula', options: { expression: 'doctor.fee * minutes / 30', result_type: 'currency' } },
  ]);
  const create = async (slug: string, data: Record<string, unknown>) =>
    (await env.call<TRecordResponse>(owner, 'crmCreateRecord', { tenantId: 'acme', module: slug, data })).record;
  const doctor = await create('doctors', { name: 'Dr. Fee', fee: 100 });
  const seedStart = performance.now();
  for (let index = 0; index < DEPENDENTS; index += 1) await create('appointments', { title: `A${index}`, doctor: doctor.id, minutes: 30 + (index % 4) * 15 });
  const seedSeconds = (performance.now() - seedStart) / 1000;

  const path = `crm_tenants/acme/records/${doctor.id}`;
  const before = (await env.store.get(path))!.data;
  await env.call(owner, 'crmUpdateRecord', { tenantId: 'acme', recordId: doctor.id, expectedVersion: doctor.version, data: { fee: 120 } });
  const after = (await env.store.get(path))!.data;
  const change: DocumentChange = { eventId: 'bench-fee', kind: 'updated', path, before, after, time: new Date() };

  env.store.meter.reset();
  const start = performance.now();
  const inline = await refreshFormulaDependents(env.services, change);
  const inlineMs = performance.now() - start;
  await env.services.jobs.whenIdle();
  const seconds = (performance.now() - start) / 1000;
  const fanOut = env.store.meter.read();

  // Every dependent must now read the new fee: a bench that measured a no-op would be worthless.
  const stale = (await env.store.query({ collection: 'crm_tenants/acme/records', where: [{ field: 'tokens', op: 'array-contains', value: 'appointments' }] }))
    .filter((doc) => (doc.data.data as { price?: number }).price !== (120 * Number((doc.data.data as { minutes: number }).minutes)) / 30).length;

  env.store.meter.reset();
  const replayStart = performance.now();
  const replay = await refreshFormulaDependents(env.services, { ...change, eventId: 'bench-fee-redelivered' });
  await env.services.jobs.whenIdle();
  const replaySeconds = (performance.now() - replayStart) / 1000;
  const replayed = env.store.meter.read();

  console.log(
    JSON.stringify(
      {
        dependents: DEPENDENTS,
        seedRecordsPerSecond: Math.round(DEPENDENTS / seedSeconds),
        fanOut: {
          inline: { recomputed: inline.recomputed, bound: MAX_INLINE_DEPENDENTS, ms: round(inlineMs), continuedOnJob: inline.continued },
          seconds: round(seconds),
          recordsPerSecond: Math.round(DEPENDENTS / seconds),
          reads: fanOut.reads,
          writes: fanOut.writes,
          readsPerDependent: round(fanOut.reads / DEPENDENTS),
          writesPerDependent: round(fanOut.writes / DEPENDENTS),
          staleAfter: stale,
        },
        redelivered: {
          recomputed: replay.recomputed,
          seconds: round(replaySeconds),
          readsPerDependent: round(replayed.reads / DEPENDENTS),
          writesPerDependent: round(replayed.writes / DEPENDENTS),
        },
      },
      null,
      2,
    ),
  );
  if (stale > 0) process.exitCode = 1;
}

await main();
