import { zodResolver } from '@hookform/resolvers/zod';
import { signInWithEmailAndPassword, type Auth } from 'firebase/auth';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { LanguageSelect } from '../../../components/language-select';

const SignInSchema = z.object({
  email: z.string().trim().min(1, 'auth.emailRequired'),
  password: z.string().min(1, 'auth.passwordRequired'),
});
type SignInValues = z.infer<typeof SignInSchema>;

/** Firebase Auth codes → the sentence to show (keys into the i18n catalogue). */
function signInErrorKey(code: unknown): 'auth.invalid' | 'auth.tooMany' | 'auth.failed' {
  switch (code) {
    case 'auth/invalid-credential':
    case 'auth/invalid-email':
    case 'auth/user-not-found':
    case 'auth/wrong-password':
    case 'auth/invalid-login-credentials':
      return 'auth.invalid';
    case 'auth/too-many-requests':
      return 'auth.tooMany';
    default:
      return 'auth.failed';
  }
}

export function SignInPage({ auth }: { auth: Auth }) {
  const { t } = useTranslation();
  const [failure, setFailure] = useState<string | null>(null);
  const form = useForm<SignInValues>({ resolver: zodResolver(SignInSchema), defaultValues: { email: '', password: '' } });
  const { errors, isSubmitting } = form.formState;

  const submit = form.handleSubmit(async ({ email, password }) => {
    setFailure(null);
    try {
      await signInWithEmailAndPassword(auth, email, password);
    } catch (error) {
      setFailure(t(signInErrorKey((error as { code?: unknown }).code)));
    }
  });

  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="brand brand-lg">
          <span className="brand-mark" aria-hidden="true">C</span>
          <span>CRM Pro</span>
        </div>
        <h1>{t('auth.title')}</h1>
        <p className="muted">{t('auth.subtitle')}</p>
        <form onSubmit={submit} noValidate className="stack">
          <label className="field">
            <span className="field-label">{t('auth.email')}</span>
            <input type="email" autoComplete="username" autoFocus {...form.register('email')} aria-invalid={errors.email ? true : undefined} />
            {errors.email?.message ? <span className="field-error">{t(errors.email.message)}</span> : null}
          </label>
          <label className="field">
            <span className="field-label">{t('auth.password')}</span>
            <input type="password" autoComplete="current-password" {...form.register('password')} aria-invalid={errors.password ? true : undefined} />
            {errors.password?.message ? <span className="field-error">{t(errors.password.message)}</span> : null}
          </label>
          {failure ? (
            <p className="form-error" role="alert">
              {failure}
            </p>
          ) : null}
          <button type="submit" className="btn btn-primary btn-block" disabled={isSubmitting}>
            {isSubmitting ? t('auth.signingIn') : t('auth.submit')}
          </button>
        </form>
        <div className="auth-footer">
          <LanguageSelect />
        </div>
      </div>
    </main>
  );
}
