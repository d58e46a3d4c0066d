import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createI18n } from '../i18n/init-i18n';
import { bindErrorTranslator, ClientValidationError, issuesByInput, toUserError } from './to-user-error';

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

describe('toUserError in the user language', () => {
  function spanish() {
    const i18n = createI18n();
    void i18n.changeLanguage('es');
    return i18n;
  }
  afterEach(() => bindErrorTranslator(null));

  it('says a server error with a specific key in Spanish, with the server parameters', () => {
    bindErrorTranslator(spanish());
    const user = toUserError({
      code: 'functions/aborted',
      message: 'PAT-000007 was changed by someone else since you opened it. Reload it and apply your changes again.',
      details: { code: 'version-conflict', messageKey: 'errors.record.changedElsewhere', params: { number: 'PAT-000007' }, issues: [] },
    });
    expect(user.message).toBe('Otra persona cambió PAT-000007 desde que lo abriste. Recárgalo y vuelve a aplicar tus cambios.');
  });

  it('translates each keyed issue and keeps its key and parameters for the form', () => {
    bindErrorTranslator(spanish());
    const user = toUserError({
      code: 'functions/invalid-argument',
      message: 'data.email: "Email" must be an email address like name@example.com',
      details: {
        code: 'invalid-input', messageKey: 'errors.invalid-input', params: { count: 1 },
        issues: [{ path: 'data.email', message: '"Email" must be …', messageKey: 'validation.email', params: { field: 'Email' } }],
      },
    });
    expect(user.message).toBe('Un valor no es válido: revisa el campo marcado.');
    expect(user.issues[0]).toEqual({
      path: 'data.email',
      message: 'Email debe ser un correo electrónico como nombre@ejemplo.com',
      messageKey: 'validation.email',
      params: { field: 'Email' },
    });
  });

  it('keeps the more precise English server sentence over a code default in English, and falls back to it for unknown keys', () => {
    bindErrorTranslator(createI18n());
    const precise = 'A module with the slug "cars" already exists. Choose another slug.';
    expect(toUserError({ code: 'functions/already-exists', message: precise, details: { messageKey: 'errors.already-exists', params: {} } }).message).toBe(precise);
    bindErrorTranslator(spanish());
    expect(toUserError({ code: 'functions/already-exists', message: precise, details: { messageKey: 'errors.already-exists', params: {} } }).message).toBe(
      'Ya existe algo con el mismo nombre o valor.',
    );
    expect(toUserError({ code: 'functions/not-found', message: 'From a newer server.', details: { messageKey: 'errors.fromTheFuture', params: {} } }).message).toBe(
      'From a newer server.',
    );
  });

  it('says transport failures in Spanish', () => {
    bindErrorTranslator(spanish());
    expect(toUserError({ code: 'functions/unavailable', message: 'unavailable' }).message).toMatch(/No se puede contactar/);
  });
});
