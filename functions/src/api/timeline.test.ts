import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestEnv, type TestEnv, type TestUser } from '../test-support/build-test-env.js';
import { buildPatient } from '../test-support/record-fixtures.js';
import { onRecordWritten } from '../services/records/on-record-written.js';
import { TIMELINE_SOURCES } from '../services/timeline/list-timeline.js';
import type { TRecordResponse } from './schemas.js';
import type { TListTimelineResponse, TNoteView, TTimelineEntry } from './timeline-schemas.js';
import type { TListTasksResponse } from './workflow-schemas.js';

/**
 * The record timeline: history (kept by the record trigger, driven here by
 * the store's change feed as in the embedded runtime), workflow runs and
 * their mails, tasks, notes with mentions, one cursor over all of them.
 */
let env: TestEnv;
let stopFeed: () => void;

beforeEach(async () => {
  env = await buildTestEnv();
  stopFeed = env.store.onChange('records', async (change) => {
    await onRecordWritten(env.services, change);
  });
  // Names come from the host OS's profiles.
  await env.store.set('platform_users/acme-owner', { display_name: 'Olivia Owner', email: 'owner@acme.test' });
  await env.store.set('platform_users/acme-member', { display_name: 'Maya Member', email: 'maya@acme.test' });
  await env.store.set('platform_users/acme-member-2', { name: 'Max Second' });
  await env.call(env.users.acmeOwner, 'crmSelectTemplate', { tenantId: 'acme', templateSlug: 'hospital' });
  await env.call(env.users.globexOwner, 'crmSelectTemplate', { tenantId: 'globex', templateSlug: 'hospital' });
});

afterEach(() => stopFeed());

const settle = () => env.store.whenIdle();

async function createPatient(user: TestUser = env.users.acmeOwner, overrides: Record<string, unknown> = {}) {
  const { record } = await env.call<TRecordResponse>(user, 'crmCreateRecord', { tenantId: 'acme', module: 'patients', data: buildPatient({ email: 'ada@example.com', ...overrides }) });
  await settle();
  return record;
}

async function timeline(recordId: string, user: TestUser = env.users.acmeOwner, extra: Record<string, unknown> = {}) {
  return env.call<TListTimelineResponse>(user, 'crmListTimeline', { tenantId: 'acme', recordId, ...extra });
}

async function addNote(recordId: string, html: string, user: TestUser = env.users.acmeOwner) {
  const { note } = await env.call<{ note: TNoteView }>(user, 'crmAddNote', { tenantId: 'acme', recordId, html });
  return note;
}

const mention = (uid: string, label = 'someone') => `<span data-type="mention" data-id="${uid}" data-label="${label}">@${label}</span>`;

/** Every page of the timeline, following cursors to the end. */
async function allPages(recordId: string, pageSize: number, user: TestUser = env.users.acmeOwner) {
  const pages: TTimelineEntry[][] = [];
  let cursor: string | undefined;
  do {
    const page = await timeline(recordId, user, { pageSize, ...(cursor ? { cursor } : {}) });
    pages.push(page.entries);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && pages.length < 50);
  return pages;
}

describe('record timeline', () => {
  it('merges history, workflow runs with their mails, tasks and notes, newest first, with names instead of uids', async () => {
    const patient = await createPatient();
    await env.call(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId: patient.id, expectedVersion: 1, data: { full_name: 'Ada King' } });
    await settle();
    await addNote(patient.id, `<p>Called ${mention('acme-member', 'Maya')} about the results</p>`);
    const { entries, nextCursor } = await timeline(patient.id);
    expect(nextCursor).toBeNull();
    const types = entries.map((entry) => entry.type);
    expect(types).toEqual(expect.arrayContaining(['note', 'task', 'history', 'workflow_run']));
    // Newest first across sources.
    const times = entries.map((entry) => Date.parse(entry.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(entries[0]).toMatchObject({ type: 'note', author: { uid: 'acme-owner', name: 'Olivia Owner' }, mentions: [{ uid: 'acme-member', name: 'Maya Member' }], canEdit: true, canDelete: true });
    // The stored mention says the member's real name, whatever label the client sent.
    expect((entries[0] as Extract<TTimelineEntry, { type: 'note' }>).html).toContain('@Maya Member');
    const created = entries.find((entry) => entry.type === 'history' && entry.kind === 'created');
    expect(created).toMatchObject({ by: { uid: 'acme-owner', name: 'Olivia Owner' }, byAutomation: false, source: null });
    const welcome = entries.find((entry) => entry.type === 'workflow_run' && entry.mails.length > 0);
    expect(welcome).toMatchObject({ type: 'workflow_run', status: 'success', late: false, mails: [{ to: ['ada@example.com'] }] });
    expect(entries.find((entry) => entry.type === 'task')).toMatchObject({ type: 'task', assignee: { uid: 'acme-member', name: 'Maya Member' }, taskKind: 'mention', status: 'open' });
  });

  it('pages with one cursor over every source: no entry twice, none lost, in order across pages', async () => {
    const patient = await createPatient();
    for (let version = 1; version <= 6; version += 1) {
      await env.call(env.users.acmeOwner, 'crmUpdateRecord', { tenantId: 'acme', recordId: patient.id, expectedVersion: version, data: { full_name: `Ada ${version}` } });
      await settle();
      await addNote(patient.id, `<p>Note ${version}</p>`);
    }
    const whole = (await timeline(patient.id, env.users.acmeOwner, { pageSize: 50 })).entries;
    // Everything the record has: 7 history entries (created + 6 edits), 6 notes, and its workflow runs.
    const runs = await env.store.query({ collection: 'crm_tenants/acme/workflow_logs', where: [{ field: 'recordId', op: '==', value: patient.id }] });
    expect(whole.length).toBe(7 + 6 + runs.length);
    const pages = await allPages(patient.id, 4);
    expect(pages.length).toBe(Math.ceil(whole.length / 4));
    const paged = pages.flat();
    expect(paged.map((entry) => `${entry.type}:${entry.id}`)).toEqual(whole.map((entry) => `${entry.type}:${entry.id}`));
    const times = paged.map((entry) => Date.parse(entry.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('reads a bounded number of documents per page, however long the record\'s past', async () => {
    const patient = await createPatient();
    for (let index = 0; index < 30; index += 1) await addNote(patient.id, `<p>Note ${index}</p>`);
    env.store.meter.reset();
    await timeline(patient.id, env.users.acmeOwner, { pageSize: 10 });
    const reads = env.store.meter.read().reads;
    // Membership (3) + record (1) + at most 11 per source + names (2 per person on the page).
    expect(reads).toBeLessThanOrEqual(3 + 1 + TIMELINE_SOURCES.length * 11 + 2 * 2);
  });

  it('answers not-found to whoever may not read the record (read_own), and to another tenant', async () => {
    const patient = await createPatient();
    const { record } = await env.call<TRecordResponse>(env.users.acmeOwner, 'crmCreateRecord', {
      tenantId: 'acme', module: 'medical_records', data: { title: 'Visit', record_type: 'Lab Result', patient: patient.id, visit_date: '2026-01-01' },
    });
    await settle();
    // Members read medical records only when they own them (read_own).
    expect((await env.callError(env.users.acmeMember, 'crmListTimeline', { tenantId: 'acme', recordId: record.id })).code).toBe('not-found');
    expect((await timeline(record.id)).entries.length).toBeGreaterThan(0);
    const own = await env.call<TRecordResponse>(env.users.acmeMember, 'crmCreateRecord', {
      tenantId: 'acme', module: 'medical_records', data: { title: 'Mine', record_type: 'Lab Result', patient: patient.id, visit_date: '2026-01-02' },
    });
    await settle();
    expect((await timeline(own.record.id, env.users.acmeMember)).entries.length).toBeGreaterThan(0);
    expect((await env.callError(env.users.globexOwner, 'crmListTimeline', { tenantId: 'globex', recordId: record.id })).code).toBe('not-found');
  });

  it('refuses a cursor of another record', async () => {
    const one = await createPatient();
    const two = await createPatient(env.users.acmeOwner, { patient_id: 'P-TWO' });
    for (let index = 0; index < 3; index += 1) await addNote(one.id, `<p>n${index}</p>`);
    const first = await timeline(one.id, env.users.acmeOwner, { pageSize: 2 });
    expect(first.nextCursor).not.toBeNull();
    const error = await env.callError(env.users.acmeOwner, 'crmListTimeline', { tenantId: 'acme', recordId: two.id, cursor: first.nextCursor });
    expect(error.code).toBe('invalid-argument');
  });

  it('shows an import or merge source carried by a history entry', async () => {
    const patient = await createPatient();
    const [entry] = await env.store.query({ collection: `crm_tenants/acme/records/${patient.id}/history` });
    await env.store.update(entry!.path, { source: { kind: 'import', jobId: 'job-1' } });
    const { entries } = await timeline(patient.id);
    expect(entries.find((candidate) => candidate.type === 'history')).toMatchObject({ source: { kind: 'import', jobId: 'job-1' } });
  });
});

describe('notes', () => {
  it('sanitises on the server: scripts, handlers and javascript: links never reach the store', async () => {
    const patient = await createPatient();
    const note = await addNote(
      patient.id,
      '<p onclick="steal()">Hi <strong>there</strong><script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)">x</a> <a href="https://example.com">ok</a></p><iframe src="https://evil"></iframe>',
    );
    expect(note.html).not.toMatch(/script|onclick|onerror|javascript:|iframe|<img/i);
    expect(note.html).toContain('<strong>there</strong>');
    expect(note.html).toContain('href="https://example.com"');
    expect(note.html).toContain('rel="noopener noreferrer nofollow"');
    const [stored] = await env.store.query({ collection: `crm_tenants/acme/records/${patient.id}/notes` });
    expect(stored?.data.html).toBe(note.html);
  });

  it('needs update rights on the record (update_own: only on one\'s own records)', async () => {
    const ownersPatient = await createPatient();
    const error = await env.callError(env.users.acmeMember, 'crmAddNote', { tenantId: 'acme', recordId: ownersPatient.id, html: '<p>Hi</p>' });
    expect(error.code).toBe('permission-denied');
    const membersPatient = await createPatient(env.users.acmeMember, { patient_id: 'P-MEMBER' });
    await expect(addNote(membersPatient.id, '<p>Mine</p>', env.users.acmeMember)).resolves.toMatchObject({ authorId: 'acme-member' });
  });

  it('refuses an empty note and a mention of someone outside the tenant, writing nothing', async () => {
    const patient = await createPatient();
    env.store.meter.reset();
    expect((await env.callError(env.users.acmeOwner, 'crmAddNote', { tenantId: 'acme', recordId: patient.id, html: '<p> </p><script>x</script>' })).code).toBe('invalid-argument');
    const stranger = await env.callError(env.users.acmeOwner, 'crmAddNote', { tenantId: 'acme', recordId: patient.id, html: `<p>${mention('globex-owner')}</p>` });
    expect(stranger.code).toBe('invalid-argument');
    expect(env.store.meter.read().writes).toBe(0);
  });

  it('gives each mentioned member one task, also after edits, and removes open ones with the note', async () => {
    const patient = await createPatient();
    const note = await addNote(patient.id, `<p>${mention('acme-member')} please call</p>`);
    const tasksOf = async (user: TestUser) => (await env.call<TListTasksResponse>(user, 'crmListTasks', { tenantId: 'acme' })).tasks;
    const [task] = await tasksOf(env.users.acmeMember);
    expect(task).toMatchObject({ kind: 'mention', assigneeName: 'Maya Member', recordId: patient.id, mention: { byName: 'Olivia Owner', noteId: note.id, excerpt: '@Maya Member please call' } });
    // An edit that mentions her again and adds someone else: one new task only.
    await env.call(env.users.acmeOwner, 'crmUpdateNote', { tenantId: 'acme', recordId: patient.id, noteId: note.id, html: `<p>${mention('acme-member')} and ${mention('acme-member-2')}</p>` });
    expect(await tasksOf(env.users.acmeMember)).toHaveLength(1);
    expect(await tasksOf(env.users.acmeMember2)).toHaveLength(1);
    // Mentioning oneself is no task.
    await addNote(patient.id, `<p>${mention('acme-owner')} reminder to self</p>`);
    expect(await tasksOf(env.users.acmeOwner)).toHaveLength(0);
    await env.call(env.users.acmeOwner, 'crmDeleteNote', { tenantId: 'acme', recordId: patient.id, noteId: note.id });
    expect(await tasksOf(env.users.acmeMember)).toHaveLength(0);
  });

  it('lets only the author edit; the author or an admin delete', async () => {
    const patient = await createPatient();
    const note = await addNote(patient.id, '<p>Owner words</p>', env.users.acmeOwner);
    const byAdmin = await env.callError(env.users.acmeAdmin, 'crmUpdateNote', { tenantId: 'acme', recordId: patient.id, noteId: note.id, html: '<p>Changed</p>' });
    expect(byAdmin.code).toBe('permission-denied');
    const memberNote = await addNote((await createPatient(env.users.acmeMember, { patient_id: 'P-M2' })).id, '<p>m</p>', env.users.acmeMember);
    const otherMember = await env.callError(env.users.acmeMember2, 'crmDeleteNote', { tenantId: 'acme', recordId: memberNote.recordId, noteId: memberNote.id });
    expect(otherMember.code).toBe('permission-denied');
    const edited = await env.call<{ note: TNoteView }>(env.users.acmeOwner, 'crmUpdateNote', { tenantId: 'acme', recordId: patient.id, noteId: note.id, html: '<p>Better words</p>' });
    expect(edited.note).toMatchObject({ text: 'Better words' });
    expect(edited.note.editedAt).not.toBeNull();
    await env.call(env.users.acmeAdmin, 'crmDeleteNote', { tenantId: 'acme', recordId: patient.id, noteId: note.id });
    expect((await timeline(patient.id)).entries.some((entry) => entry.type === 'note')).toBe(false);
    const again = await env.callError(env.users.acmeOwner, 'crmDeleteNote', { tenantId: 'acme', recordId: patient.id, noteId: note.id });
    expect(again.code).toBe('not-found');
  });

  it('lists the tenant\'s members by name for the mention picker, and nobody of another tenant', async () => {
    const { members } = await env.call<{ members: Array<{ uid: string; name: string | null }> }>(env.users.acmeMember, 'crmListTenantMembers', { tenantId: 'acme' });
    expect(members.map((member) => member.uid).sort()).toEqual(['acme-admin', 'acme-member', 'acme-member-2', 'acme-owner']);
    expect(members.find((member) => member.uid === 'acme-member-2')?.name).toBe('Max Second');
  });
});

describe('tasks on a record', () => {
  it('creates a task for a member with a due date; it shows by name on the timeline and in their tasks', async () => {
    const patient = await createPatient();
    const { task } = await env.call<{ task: Record<string, unknown> }>(env.users.acmeOwner, 'crmCreateTask', {
      tenantId: 'acme', recordId: patient.id, title: 'Call about results', assigneeId: 'acme-member', dueDate: '2026-03-05',
    });
    expect(task).toMatchObject({ kind: 'manual', assigneeName: 'Maya Member', dueDate: '2026-03-05', status: 'open', recordId: patient.id });
    const { tasks } = await env.call<TListTasksResponse>(env.users.acmeMember, 'crmListTasks', { tenantId: 'acme' });
    expect(tasks.map((entry) => entry.title)).toEqual(['Call about results']);
    const { entries } = await timeline(patient.id);
    expect(entries.find((entry) => entry.type === 'task')).toMatchObject({ title: 'Call about results', taskKind: 'manual', assignee: { name: 'Maya Member' } });
  });

  it('refuses an assignee from outside the tenant and a caller without update rights', async () => {
    const patient = await createPatient();
    const stranger = await env.callError(env.users.acmeOwner, 'crmCreateTask', { tenantId: 'acme', recordId: patient.id, title: 'x', assigneeId: 'globex-owner', dueDate: '2026-03-05' });
    expect(stranger.code).toBe('invalid-argument');
    const readOnly = await env.callError(env.users.acmeMember, 'crmCreateTask', { tenantId: 'acme', recordId: patient.id, title: 'x', assigneeId: 'acme-member', dueDate: '2026-03-05' });
    expect(readOnly.code).toBe('permission-denied');
  });

  it('shows another user\'s task assignee by name in the task list (it showed a uid)', async () => {
    const patient = await createPatient();
    await env.call(env.users.acmeOwner, 'crmCreateTask', { tenantId: 'acme', recordId: patient.id, title: 'Follow up', assigneeId: 'acme-member-2', dueDate: '2026-03-05' });
    const { tasks } = await env.call<TListTasksResponse>(env.users.acmeOwner, 'crmListTasks', { tenantId: 'acme', recordId: patient.id });
    expect(tasks.find((entry) => entry.title === 'Follow up')).toMatchObject({ assigneeId: 'acme-member-2', assigneeName: 'Max Second' });
  });
});
