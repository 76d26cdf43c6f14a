import { Body, Controller, Delete, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiKeysService } from '../../auth/api-keys.service';
import { Auth } from '../../auth/auth.decorators';
import { Principal } from '../../auth/principal';
import { Forbidden } from '../../common/domain-errors';
import { PleskKeyRequest } from './dto/key-request.dto';
import { PleskApi, PLESK_PREFIX } from './plesk-api';
import { PleskErrorResponse, PleskKeyResponse, PleskStatusResponse } from './plesk.views';

@PleskApi()
@Controller(`${PLESK_PREFIX}/auth/keys`)
export class PleskKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({
    summary: 'Create an API key (HTTP Basic only)',
    description:
      'Bound to `ip` and `ips`; with neither, to the address of this request, as Plesk does.',
  })
  @ApiCreatedResponse({ type: PleskKeyResponse })
  async create(
    @Auth() auth: Principal,
    @Body() body: PleskKeyRequest,
    @Req() request: FastifyRequest,
  ): Promise<PleskKeyResponse> {
    if (auth.via !== 'basic')
      throw new Forbidden(
        "Create keys with an administrator's username and password (HTTP Basic).",
      );
    const ips = [...(body.ip === undefined ? [] : [body.ip]), ...(body.ips ?? [])];
    const created = await this.apiKeys.create(
      auth,
      {
        name: body.description ?? 'Plesk API v2 key',
        access: 'full',
        allowedIps: ips.length > 0 ? ips : [request.ip ?? ''],
      },
      body.login,
    );
    return { key: created.key };
  }

  @Delete(':key')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke an API key by its value' })
  @ApiOkResponse({ type: PleskStatusResponse })
  @ApiNotFoundResponse({ type: PleskErrorResponse })
  async revoke(@Param('key') key: string): Promise<PleskStatusResponse> {
    await this.apiKeys.revokeByKey(key);
    return { status: 'success' };
  }
}
