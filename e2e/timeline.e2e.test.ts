import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { screenshot } from './support/browser.js';
import { useBrowserSession } from './support/browser-session.js';
import { callCallable } from './support/crm-rest.js';

/**
 * The record timeline in the browser, on the seeded demo hospital: a note
 * written in the rich-text editor with an @mention picked from the tenant's
 * members shows on the timeline with the member's name, and the mention
 * lands in that member's "My tasks"; a file attached to the record is
 * uploaded to the local file store and downloaded back byte for byte.
 */
const TENANT = 'demo-hospital';
const PATIENT = { name: 'Tara Timeline', email: 'tara.timeline@patients.example' };
const FILE = { name: 'lab-results.txt', body: 'Haemoglobin 13.9 g/dL\nLeukocytes 6.1\n' };

let patientId = '';

const session = useBrowserSession({
  tempPrefix: 'crm-e2e-tl-',
  failureShotPrefix: 'tl-failed-',
  stack: { logLevel: 'warn' },
  setup: async (session) => {
    const owner = await session.idToken('owner@demo.crm');
    const answer = await callCallable(session.stack, owner, 'crmCreateRecord', {
      tenantId: TENANT,
      module: 'patients',
      data: { patient_id: 'PT-TL-1', full_name: PATIENT.name, date_of_birth: '1979-06-02', phone: '+1 555 010 7777', email: PATIENT.email, status: 'Active' },
    });
    if (!answer.ok) throw new Error(answer.message);
    patientId = (answer.result.record as { id: string }).id;
  },
});

describe('the record timeline in the browser', () => {
  it('a note with a mention picked by keyboard shows on the timeline with names, and reaches the member’s tasks', async () => {
    const page = await session.signIn('owner@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients/r/${patientId}`);
    const timeline = page.getByTestId('timeline');
    await timeline.waitFor();
    // The creation is on the timeline, by name ("You" for oneself).
    await expect.poll(() => timeline.getByTestId('timeline-history').first().textContent()).toContain('You created the record');

    await page.getByTestId('add-note').click();
    const editor = page.getByTestId('note-editor');
    await editor.waitFor();
    await editor.click();
    await page.keyboard.type('Results are in. @May');
    await page.getByTestId('mention-list').waitFor();
    await expect.poll(() => page.getByTestId('mention-option').first().textContent()).toContain('Maya Lopez');
    await page.keyboard.press('Enter');
    await page.keyboard.type('please call the patient.');
    await screenshot(page, 'tl-01-note-editor');
    await page.getByTestId('save-note').click();

    const note = timeline.getByTestId('timeline-note').first();
    await expect.poll(() => note.textContent()).toContain('please call the patient');
    expect(await note.locator('.mention[data-id="demo-member"]').textContent()).toBe('@Maya Lopez');
    expect(await note.textContent()).toContain('You added a note');
    // The mention's task is on the timeline too, assigned by name.
    await expect.poll(() => timeline.getByTestId('timeline-task').first().textContent()).toContain('Maya Lopez was mentioned');
    await screenshot(page, 'tl-02-note-on-timeline');

    const member = await session.signIn('member@demo.crm');
    await member.goto(`${session.stack.url}/t/${TENANT}/tasks`);
    const today = member.getByTestId('tasks-today');
    await today.waitFor();
    const task = today.getByTestId('task').filter({ hasText: 'Olivia Bennett mentioned you' });
    await task.waitFor();
    expect(await task.getByTestId('task-excerpt').textContent()).toContain('@Maya Lopez please call the patient.');
    await screenshot(member, 'tl-03-member-my-tasks');
    await task.getByTestId('task-record').click();
    await member.getByTestId('timeline').waitFor();
    await expect.poll(() => member.getByTestId('timeline-note').first().textContent()).toContain('Olivia Bennett added a note');
  });

  it('a file attached to the record is uploaded to the file store and downloaded back as it was', async () => {
    const page = await session.signIn('owner@demo.crm');
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients/r/${patientId}`);
    await page.getByTestId('timeline').waitFor();
    await page.getByTestId('attachment-input').setInputFiles({ name: FILE.name, mimeType: 'text/plain', buffer: Buffer.from(FILE.body) });
    const attachment = page.getByTestId('timeline-attachment').first();
    await expect.poll(() => attachment.textContent(), { timeout: 30_000 }).toContain(FILE.name);
    await screenshot(page, 'tl-04-attachment');

    const [download] = await Promise.all([page.waitForEvent('download'), attachment.getByTestId('attachment-download').click()]);
    expect(download.suggestedFilename()).toBe(FILE.name);
    const saved = await download.path();
    expect(await readFile(saved, 'utf8')).toBe(FILE.body);

    // A type outside the allow-list is refused before anything is sent.
    await page.getByTestId('attachment-input').setInputFiles({ name: 'page.html', mimeType: 'text/html', buffer: Buffer.from('<script>alert(1)</script>') });
    await expect.poll(() => page.getByTestId('timeline').getByRole('alert').textContent()).toContain('page.html');
  });

  it('on a phone the timeline and the note box fit the screen', async () => {
    const page = await session.signIn('owner@demo.crm', { context: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } });
    await page.goto(`${session.stack.url}/t/${TENANT}/m/patients/r/${patientId}`);
    await page.getByTestId('timeline').waitFor();
    await page.getByTestId('add-note').click();
    await page.getByTestId('note-editor').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(page, 'tl-05-phone');
  });

  it('no screen threw an uncaught error', () => {
    expect(session.pageErrors.flat()).toEqual([]);
  });
});
