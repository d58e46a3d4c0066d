import { describe, expect, it } from 'vitest';
import { ConnectionError, isTransportFailure } from './connection-error';
import { toUserError } from './to-user-error';

describe('isTransportFailure', () => {
  it('recognises the SDK error for a request that never got an answer', () => {
    expect(isTransportFailure({ code: 'functions/internal', message: 'internal' })).toBe(true);
    expect(isTransportFailure({ code: 'functions/internal', message: 'internal [0]' })).toBe(true);
  });

  it('leaves the server’s own errors alone', () => {
    expect(isTransportFailure({ code: 'functions/internal', message: 'INTERNAL' })).toBe(false);
    expect(isTransportFailure({ code: 'functions/internal', message: 'INTERNAL [500]' })).toBe(false);
    expect(isTransportFailure({ code: 'functions/not-found', message: 'There is no such record.' })).toBe(false);
    expect(isTransportFailure(null)).toBe(false);
  });
});

describe('ConnectionError', () => {
  it('reaches the user as a connection problem, not as a failure on our side', () => {
    const error = toUserError(new ConnectionError(new Error('fetch failed')));
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/connection/i);
  });
});
