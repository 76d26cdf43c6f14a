import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routing (#/customers/5): the server only ever serves index.html at `/`, so no fallback
 * route is needed there.
 */
export type Route =
  | { screen: 'customers' }
  | { screen: 'add-customer' }
  | { screen: 'customer'; id: number }
  | { screen: 'webhooks' }
  | { screen: 'scheduled' }
  | { screen: 'api-keys' }
  | { screen: 'account' }
  | { screen: 'unknown' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  if (path === '/' || path === '/customers') return { screen: 'customers' };
  if (path === '/customers/new') return { screen: 'add-customer' };
  const customer = /^\/customers\/([1-9]\d{0,9})$/.exec(path);
  if (customer) return { screen: 'customer', id: Number(customer[1]) };
  if (path === '/webhooks') return { screen: 'webhooks' };
  if (path === '/scheduled') return { screen: 'scheduled' };
  if (path === '/api-keys') return { screen: 'api-keys' };
  if (path === '/account') return { screen: 'account' };
  return { screen: 'unknown' };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

export const navigate = (path: string) => {
  location.hash = `#${path}`;
};
