import { Body, Controller, Get, Ip, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/api-problems';
import { Auth, Roles } from '../auth/auth.decorators';
import { Principal } from '../auth/principal';
import { AccountService } from './account.service';
import { CustomerAccountView } from '../hosting/customer.views';
import { UpdateAccountDto } from './dto/customer-input.dto';

@ApiTags('account')
@ApiBearerAuth()
@ApiProblems(401, 403, 503)
@Roles('customer')
@Controller('account')
export class AccountController {
  constructor(private readonly account: AccountService) {}

  @Get()
  @ApiOperation({ summary: "The customer's own account" })
  @ApiOkResponse({ type: CustomerAccountView })
  get(@Auth() auth: Principal): Promise<CustomerAccountView> {
    return this.account.get(auth);
  }

  @Patch()
  @ApiProblems(400, 413, 415, 429)
  @ApiOperation({
    summary: 'Edit own contact data and password (the password needs currentPassword)',
  })
  @ApiOkResponse({ type: CustomerAccountView })
  update(
    @Auth() auth: Principal,
    @Body() dto: UpdateAccountDto,
    @Ip() ip: string,
  ): Promise<CustomerAccountView> {
    return this.account.update(auth, dto, ip);
  }
}
