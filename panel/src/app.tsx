import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, answerOf, whenUnauthenticated } from './api';
import { Layout } from './components/layout';
import {
  chooseLanguage,
  dateFormatter,
  I18n,
  I18nContext,
  Language,
  rememberLanguage,
  translator,
} from './i18n/i18n';
import { Me } from './model';
import { useRoute } from './router';
import { AccountScreen } from './screens/account';
import { ApiKeysScreen } from './screens/api-keys';
import { AddCustomerScreen } from './screens/add-customer';
import { CustomerListScreen } from './screens/customer-list';
import { CustomerScreen } from './screens/customer-page';
import { LoginScreen } from './screens/login';
import { ScheduledJobsScreen } from './screens/scheduled-jobs';
import { WebhooksScreen } from './screens/webhooks';

type Session =
  { state: 'checking' } | { state: 'anonymous'; expired: boolean } | { state: 'signed-in'; me: Me };

export function App() {
  const [session, setSession] = useState<Session>({ state: 'checking' });
  const [language, setLanguageState] = useState<Language>(() => chooseLanguage());
  const route = useRoute();

  useEffect(() => {
    whenUnauthenticated(() =>
      setSession((current) => ({ state: 'anonymous', expired: current.state === 'signed-in' })),
    );
    answerOf(api.GET('/api/v1/auth/me'))
      .then((me) => signedIn(me))
      .catch(() => setSession({ state: 'anonymous', expired: false }));
  }, []);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const i18n = useMemo<I18n>(
    () => ({
      language,
      t: translator(language),
      formatDate: dateFormatter(language),
      formatDay: dateFormatter(language, false),
      setLanguage: (next) => {
        rememberLanguage(next);
        setLanguageState(next);
      },
    }),
    [language],
  );

  function signedIn(me: Me) {
    setLanguageState(chooseLanguage(me.locale));
    setSession({ state: 'signed-in', me });
  }

  async function logOut() {
    try {
      await answerOf(api.POST('/api/v1/auth/logout'));
    } finally {
      setSession({ state: 'anonymous', expired: false });
      location.hash = '';
    }
  }

  let content;
  if (session.state === 'checking') {
    content = <p class="loading-page">{i18n.t('loading')}</p>;
  } else if (session.state === 'anonymous') {
    content = <LoginScreen expired={session.expired} onSignedIn={signedIn} />;
  } else {
    const { me } = session;
    content = (
      <Layout me={me} onLogOut={logOut} route={route}>
        {me.role === 'customer' ? <AccountScreen me={me} /> : <AdminScreen route={route} />}
      </Layout>
    );
  }
  return <I18nContext.Provider value={i18n}>{content}</I18nContext.Provider>;
}

function AdminScreen({ route }: { route: ReturnType<typeof useRoute> }) {
  switch (route.screen) {
    case 'add-customer':
      return <AddCustomerScreen />;
    case 'customer':
      return <CustomerScreen id={route.id} />;
    case 'webhooks':
      return <WebhooksScreen />;
    case 'scheduled':
      return <ScheduledJobsScreen />;
    case 'api-keys':
      return <ApiKeysScreen />;
    default:
      return <CustomerListScreen />;
  }
}
