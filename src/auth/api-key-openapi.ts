import type { OpenAPIObject } from '@nestjs/swagger';

export const API_KEY_SCHEME = 'apiKey';
const BEARER_SCHEME = 'bearer';

/**
 * An API key works wherever a bearer token does: every operation that accepts the bearer scheme
 * accepts the `apiKey` scheme too (the controllers declare only the bearer one).
 */
export function offerApiKeyBesideBearer(document: OpenAPIObject): void {
  for (const path of Object.values(document.paths)) {
    for (const operation of [path.get, path.put, path.post, path.delete, path.patch, path.head]) {
      const security = operation?.security;
      if (!security?.some((requirement) => BEARER_SCHEME in requirement)) continue;
      if (!security.some((requirement) => API_KEY_SCHEME in requirement))
        security.push({ [API_KEY_SCHEME]: [] });
    }
  }
}
