import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { CUSTOMER_STATUSES, CustomerStatus } from '../../hosting/customer.entity';
import { PageQuery } from '../../common/page.query';

export class ListCustomersQuery extends PageQuery {
  @ApiPropertyOptional({ enum: CUSTOMER_STATUSES })
  @IsOptional()
  @IsIn(CUSTOMER_STATUSES)
  status?: CustomerStatus;

  @ApiPropertyOptional({
    description: 'Matches username, name, company and email (substring, case-insensitive)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;
}
