import { ComponentChildren } from 'preact';
import { LANGUAGES, useI18n } from '../i18n/i18n';
import { Me } from '../model';
import { Route } from '../router';

interface LayoutProps {
  me: Me;
  route: Route;
  onLogOut: () => void;
  children: ComponentChildren;
}

export function Layout({ me, route, onLogOut, children }: LayoutProps) {
  const { t } = useI18n();
  const links =
    me.role === 'admin'
      ? [
          {
            href: '#/customers',
            label: t('customers'),
            current: ['customers', 'customer', 'add-customer'].includes(route.screen),
          },
          { href: '#/webhooks', label: t('webhooks'), current: route.screen === 'webhooks' },
          { href: '#/scheduled', label: t('scheduledJobs'), current: route.screen === 'scheduled' },
          { href: '#/api-keys', label: t('apiKeys'), current: route.screen === 'api-keys' },
          // Bull Board, served by the API beside the panel (same session cookie): a page of its own.
          { href: '/admin/queues', label: t('queueDashboard'), current: false },
        ]
      : [{ href: '#/account', label: t('myAccount'), current: true }];
  return (
    <div class="shell">
      {/* A button, not a #main link: the hash is the panel's route. */}
      <button
        type="button"
        class="skip-link"
        onClick={() => document.getElementById('main')?.focus()}
      >
        {t('skipToContent')}
      </button>
      <header class="topbar">
        <a class="brand" href={me.role === 'admin' ? '#/customers' : '#/account'}>
          clientele
        </a>
        <nav aria-label={t('mainNav')}>
          <ul>
            {links.map((link) => (
              <li key={link.href}>
                <a href={link.href} aria-current={link.current ? 'page' : undefined}>
                  {link.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="user">
          <LanguageSwitch />
          <span class="who" title={me.username}>
            {me.username}
          </span>
          <button type="button" class="link-button" onClick={onLogOut}>
            {t('logOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

export function LanguageSwitch() {
  const { t, language, setLanguage } = useI18n();
  return (
    <label class="language">
      <span class="visually-hidden">{t('language')}</span>
      <select
        value={language}
        onChange={(event) => setLanguage(event.currentTarget.value as typeof language)}
        aria-label={t('language')}
      >
        {LANGUAGES.map((code) => (
          <option key={code} value={code}>
            {code === 'en' ? 'English' : 'Deutsch'}
          </option>
        ))}
      </select>
    </label>
  );
}
