import { applyDecorators, UseFilters, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBasicAuth,
  ApiForbiddenResponse,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Public } from '../../auth/auth.decorators';
import { PleskAuthGuard } from './plesk-auth.guard';
import { PleskErrorFilter } from './plesk-error.filter';
import { PleskErrorResponse } from './plesk.views';

/** Served outside the /api/v1 prefix (see http-app.ts). */
export const PLESK_PREFIX = 'api/v2';
export const PLESK_TAG = 'plesk-compatible (api/v2)';

/**
 * A controller of the Plesk-compatible API: its own authentication (X-API-Key or Basic, instead of
 * the global guard's), Plesk's `{code, message}` errors and its own OpenAPI tag.
 */
export const PleskApi = () =>
  applyDecorators(
    Public(),
    UseGuards(PleskAuthGuard),
    UseFilters(PleskErrorFilter),
    ApiTags(PLESK_TAG),
    ApiSecurity('apiKey'),
    ApiBasicAuth('basic'),
    ApiBadRequestResponse({ type: PleskErrorResponse, description: 'Invalid input' }),
    ApiUnauthorizedResponse({ type: PleskErrorResponse, description: 'No or wrong credentials' }),
    ApiForbiddenResponse({
      type: PleskErrorResponse,
      description: "A customer's credentials, or a read-only key that tried a change",
    }),
  );
