import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems } from '../common/api-problems';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { AdminOnly, Auth } from './auth.decorators';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyView, CreateApiKeyDto, CreatedApiKeyView } from './dto/api-key.dto';
import { Principal } from './principal';

@ApiTags('api-keys')
@ApiProblems(401, 403, 503)
@ApiBearerAuth()
@ApiSecurity('apiKey')
@AdminOnly()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({
    summary: 'Create an API key; the key is in this answer only',
    description:
      'Only with a password-based login (bearer token or panel session): an API key cannot create keys.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyView })
  @ApiProblems(400, 413, 415)
  create(@Auth() auth: Principal, @Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyView> {
    return this.apiKeys.create(auth, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List the API keys that are not revoked (never the keys themselves)' })
  @ApiOkResponse({ type: [ApiKeyView] })
  list(): Promise<ApiKeyView[]> {
    return this.apiKeys.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key: it stops working at once in every process' })
  @ApiNoContentResponse()
  @ApiProblems(400, 404)
  revoke(@Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.apiKeys.revoke(id);
  }
}
