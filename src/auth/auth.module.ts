import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysService } from './api-keys.service';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginAttempts } from './login-attempts.service';
import { PasswordHasher } from './password-hasher';
import { SessionsService } from './sessions.service';

@Module({
  providers: [
    AuthService,
    PasswordHasher,
    SessionsService,
    LoginAttempts,
    ApiKeysService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, PasswordHasher, SessionsService, ApiKeysService, LoginAttempts],
})
export class AuthModule {}
