import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ClientValidationError, issuesByInput, toUserError } from './to-user-error';

describe('toUserError', () => {
  it('keeps the server sentence and its field issues', () => {
    const error = Object.assign(new Error('data.email: "Email" must be an email address like name@example.com'), {
      code: 'functions/invalid-argument',
      details: { code: 'invalid-input', issues: [{ path: 'data.email', message: '"Email" must be an email address like name@example.com' }] },
    });
    const user = toUserError(error);
    expect(user.code).toBe('invalid-argument');
    expect(user.issues).toHaveLength(1);
    const { byInput, rest } = issuesByInput(user, 'data');
    expect(byInput.get('email')).toMatch(/must be an email address/);
    expect(rest).toEqual([]);
  });

  it('replaces transport noise with a human sentence', () => {
    expect(toUserError({ code: 'functions/internal', message: 'internal' }).message).toMatch(/went wrong on our side/);
    expect(toUserError({ code: 'functions/unavailable', message: 'unavailable' }).message).toMatch(/cannot be reached/);
  });

  it('maps client-side zod failures to the server issue format', () => {
    const schema = z.object({ fields: z.array(z.object({ key: z.string().min(2) })) });
    const result = schema.safeParse({ fields: [{ key: 'a' }] });
    const user = toUserError(ClientValidationError.fromZod(result.error!));
    expect(user.issues[0]?.path).toBe('fields[0].key');
    expect(issuesByInput(user, 'fields').byInput.size).toBe(0);
    expect(issuesByInput(user, '').byInput.get('fields')).toBeDefined();
  });

  it('leaves issues outside the form prefix for the form-level message', () => {
    const user = toUserError({ code: 'functions/invalid-argument', message: 'x', details: { issues: [{ path: 'expectedVersion', message: 'stale' }] } });
    expect(issuesByInput(user, 'data').rest).toEqual([{ path: 'expectedVersion', message: 'stale' }]);
  });
});
