import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useKillableStacks } from './test-support/killable-stacks.js';
import { storeFilePath } from './runtime-constants.js';
import { startEmbeddedStack, type EmbeddedStack } from './start-embedded-stack.js';

/**
 * Nothing acknowledged is lost, whatever crashes when: the runtime is killed
 * with SIGKILL at a random moment of each of 20 bursts of concurrent creates
 * and updates sent over HTTP. After each restart every acknowledged create and
 * update is there, no record number was handed out twice, every acknowledged
 * create reached the record trigger (its history entry exists: no event lost)
 * and the database opens and checks clean.
 */
const BURSTS = 20;
const CREATES_PER_BURST = 12;
const TENANT = 'demo-hospital';

interface Ack {
  readonly id: string;
  readonly number: string;
}

const stacks = useKillableStacks('crash');

/** The callable's result, or null when the call failed in any way (refused, connection reset by the kill). */
async function call(stack: EmbeddedStack, token: string, name: string, data: unknown): Promise<Record<string, unknown> | null> {
  try {
    const response = await fetch(`${stack.url}/${stack.projectId}/${stack.region}/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ data }),
    });
    if (response.status !== 200) return null;
    return ((await response.json()) as { result?: Record<string, unknown> }).result ?? null;
  } catch {
    return null;
  }
}

function seededRandom(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

async function listAll(stack: EmbeddedStack, token: string): Promise<Array<{ id: string; number: string; version: number; data: Record<string, unknown> }>> {
  const out: Array<{ id: string; number: string; version: number; data: Record<string, unknown> }> = [];
  let cursor: string | undefined;
  do {
    const page = await call(stack, token, 'crmListRecords', { tenantId: TENANT, module: 'doctors', pageSize: 100, ...(cursor ? { cursor } : {}) });
    if (!page) throw new Error('listing failed');
    out.push(...(page.records as typeof out));
    cursor = (page.nextCursor as string | null) ?? undefined;
  } while (cursor);
  return out;
}


describe('the embedded runtime under SIGKILL', () => {
  it(`loses no acknowledged write, number or event over ${BURSTS} random kills`, async () => {
    const options = await stacks.newStackOptions();
    const { dataDir } = options;
    const random = seededRandom(2026);
    const created = new Map<string, Ack>();
    /** Last acknowledged `consultation_fee` per record (updates of one record are serialised by expectedVersion). */
    const updated = new Map<string, number>();
    /** Fees sent in the current burst whose answer never came: the kill may have landed before or after their commit. */
    const unanswered = new Map<string, number>();
    const versions = new Map<string, number>();
    let stack = await startEmbeddedStack(options);
    let killedMidBurst = 0;
    for (let burst = 0; burst < BURSTS; burst++) {
      const token = await stacks.signIn();
      // A fresh runtime answers its first call slowly (module loading, token keys, config): warm it so kills land mid-burst.
      await call(stack, token, 'crmBootstrap', { tenantId: TENANT });
      // The kill lands after a random number of this burst's answers (0 to all), so it falls mid-burst
      // whatever the machine's speed, then after a small random delay.
      const killAfterAnswers = Math.floor(random() * (CREATES_PER_BURST + 1));
      const createdBeforeBurst = created.size;
      let answers = 0;
      let answered!: () => void;
      const enoughAnswers = new Promise<void>((resolve) => (answered = resolve));
      const countAnswer = (): void => {
        answers++;
        if (answers >= killAfterAnswers) answered();
      };
      if (killAfterAnswers === 0) answered();
      const creates = Array.from({ length: CREATES_PER_BURST }, (_, i) =>
        call(stack, token, 'crmCreateRecord', {
          tenantId: TENANT,
          module: 'doctors',
          data: { full_name: `Dr. Crash ${burst}-${i}`, specialization: 'Cardiologist', license_number: `MD-C${burst}X${i}`, email: `crash${burst}x${i}@staff.example.com`, status: 'Active' },
        }).then((result) => {
          const record = result?.record as { id: string; number: string; version: number } | undefined;
          if (record) {
            created.set(record.id, { id: record.id, number: record.number });
            versions.set(record.id, record.version);
          }
          countAnswer();
        }),
      );
      const targets = [...versions.keys()].sort(() => random() - 0.5).slice(0, 8);
      const updates = targets.map((id) => {
        const fee = 100 + burst;
        unanswered.set(id, fee);
        return call(stack, token, 'crmUpdateRecord', { tenantId: TENANT, recordId: id, expectedVersion: versions.get(id), data: { consultation_fee: fee } }).then((result) => {
          const record = result?.record as { version: number } | undefined;
          if (record) {
            unanswered.delete(id);
            updated.set(id, fee);
            versions.set(id, record.version);
          }
        });
      });
      await Promise.race([enoughAnswers, Promise.all(creates)]);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 5)));
      process.kill(stack.runtimePid as number, 'SIGKILL');
      await Promise.all([...creates, ...updates]);
      if (created.size - createdBeforeBurst < CREATES_PER_BURST) killedMidBurst++;
      await stack.ended;
      await stack.stop();

      stack = await startEmbeddedStack(options);
      const after = await stacks.signIn();
      const records = await listAll(stack, after);
      const byId = new Map(records.map((r) => [r.id, r]));
      for (const ack of created.values()) {
        expect(byId.get(ack.id)?.number, `acknowledged create ${ack.number} after burst ${burst}`).toBe(ack.number);
      }
      for (const [id, fee] of updated) {
        const now = byId.get(id)?.data['consultation_fee'];
        expect([fee, unanswered.get(id)], `acknowledged update of ${id}`).toContain(now);
        updated.set(id, now as number);
      }
      unanswered.clear();
      const numbers = records.map((r) => r.number);
      expect(new Set(numbers).size, 'record numbers are unique').toBe(numbers.length);
      // Versions the server holds now: an update in flight at the kill may or may not have happened.
      for (const r of records) if (versions.has(r.id)) versions.set(r.id, r.version);
    }

    // Every acknowledged create reached the record trigger: its history has the creation (redelivered after a kill if need be).
    const token = await stacks.signIn();
    for (const ack of created.values()) {
      let kinds: string[] = [];
      for (let attempt = 0; attempt < 100 && !kinds.includes('created'); attempt++) {
        const history = await call(stack, token, 'crmListRecordHistory', { tenantId: TENANT, recordId: ack.id, pageSize: 100 });
        kinds = ((history?.entries as Array<{ kind: string }> | undefined) ?? []).map((e) => e.kind);
        if (!kinds.includes('created')) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(kinds, `history of ${ack.number}`).toContain('created');
    }
    await stack.stop();

    const Driver = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    const db = new Driver(storeFilePath(dataDir), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    expect(created.size).toBeGreaterThan(BURSTS * 2);
    expect(killedMidBurst, 'kills landed while writes were in flight').toBeGreaterThan(BURSTS / 4);
  }, 900_000);
});
