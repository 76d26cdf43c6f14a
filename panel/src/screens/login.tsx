import { useState } from 'preact/hooks';
import { api, answerOf } from '../api';
import { describeError } from '../components/errors';
import { LanguageSwitch } from '../components/layout';
import { useI18n } from '../i18n/i18n';
import { Me } from '../model';

export function LoginScreen({
  expired,
  onSignedIn,
}: {
  expired: boolean;
  onSignedIn: (me: Me) => void;
}) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(expired ? t('sessionExpired') : undefined);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await answerOf(api.POST('/api/v1/auth/login', { body: { username, password } }));
      onSignedIn(await answerOf(api.GET('/api/v1/auth/me')));
    } catch (failure) {
      setError(
        failure instanceof Error && 'status' in failure && failure.status === 401
          ? t('loginFailed')
          : describeError(t, failure),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="login">
      <form class="card login-card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <div class="login-head">
          <h1 id="login-title">{t('loginTitle')}</h1>
          <LanguageSwitch />
        </div>
        <div class="field">
          <label for="login-username">{t('username')}</label>
          <input
            id="login-username"
            name="username"
            autoComplete="username"
            value={username}
            onInput={(event) => setUsername(event.currentTarget.value)}
            required
          />
        </div>
        <div class="field">
          <label for="login-password">{t('password')}</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
            required
          />
        </div>
        <p class="message error login-error" role="alert">
          {error ?? ''}
        </p>
        <button type="submit" class="primary" disabled={busy}>
          {t('logIn')}
        </button>
      </form>
    </main>
  );
}
