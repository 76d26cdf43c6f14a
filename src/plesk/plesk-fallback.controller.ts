import { All, Controller, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { PLESK_PREFIX } from './plesk-api';
import { PleskErrorFilter } from './plesk-error.filter';
import { NotFound } from '../common/domain-errors';

/** Any other /api/v2 address is Plesk's 404 `{code, message}`, not a problem document. */
@ApiExcludeController()
@Public()
@UseFilters(PleskErrorFilter)
@Controller(PLESK_PREFIX)
export class PleskFallbackController {
  @All('{*path}')
  notFound(): never {
    throw new NotFound('Route', 'at this address');
  }
}
