import { describe, expect, it } from 'vitest';
import { jobRate, type JobView } from './jobs-api';

const base: JobView = {
  id: 'j1',
  kind: 'import',
  module: 'patients',
  status: 'running',
  createdBy: 'u1',
  createdAt: '2026-11-30T10:00:00.000Z',
  updatedAt: '2026-11-30T10:00:10.000Z',
  startedAt: '2026-11-30T10:00:00.000Z',
  finishedAt: null,
  progress: { total: 1_000, done: 250, counts: {} },
  cancelRequested: false,
  error: null,
  result: null,
};

describe('jobRate', () => {
  it('measures from the start to the last checkpoint and projects the rest', () => {
    expect(jobRate(base)).toEqual({ perSecond: 25, secondsLeft: 30 });
  });

  it('has no time left once finished, and nothing to say before the first row', () => {
    expect(jobRate({ ...base, status: 'done', finishedAt: '2026-11-30T10:00:20.000Z', progress: { total: 1_000, done: 1_000, counts: {} } })).toEqual({ perSecond: 50, secondsLeft: null });
    expect(jobRate({ ...base, progress: { total: 1_000, done: 0, counts: {} } })).toBeNull();
    expect(jobRate({ ...base, startedAt: null })).toBeNull();
  });
});
