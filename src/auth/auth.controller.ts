import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblems } from '../common/api-problems';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Auth, Public } from './auth.decorators';
import { AuthService } from './auth.service';
import { LoginDto, LoginResponse, PrincipalView } from './dto/login.dto';
import { Principal } from './principal';
import { CSRF_COOKIE, SESSION_COOKIE } from './session-tokens';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiProblems(400, 401, 403, 413, 415, 429, 503)
  @ApiOperation({
    summary: 'Log in as an administrator or a customer',
    description:
      'Also sets an HttpOnly session cookie for the panel. Failed logins are throttled per username and per IP (429 with Retry-After).',
  })
  @ApiOkResponse({ type: LoginResponse })
  async login(
    @Body() dto: LoginDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<LoginResponse> {
    const result = await this.auth.login(request.ip ?? 'unknown', dto);
    const cookie = {
      sameSite: 'strict' as const,
      secure: request.protocol === 'https',
      path: '/',
      maxAge: result.expiresIn * 1000,
    };
    response.setCookie(SESSION_COOKIE, result.accessToken, { ...cookie, httpOnly: true });
    response.setCookie(CSRF_COOKIE, result.csrfToken, { ...cookie, httpOnly: false });
    return result;
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiProblems(401, 403, 503)
  @ApiOperation({ summary: 'Revoke the token (or session cookie) of this request' })
  @ApiNoContentResponse()
  async logout(
    @Auth() principal: Principal,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<void> {
    await this.auth.logout(principal);
    response.clearCookie(SESSION_COOKIE, { path: '/' });
    response.clearCookie(CSRF_COOKIE, { path: '/' });
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiProblems(401, 503)
  @ApiOperation({ summary: 'The authenticated principal' })
  @ApiOkResponse({ type: PrincipalView })
  me(@Auth() principal: Principal): Promise<PrincipalView> {
    return this.auth.me(principal);
  }
}
