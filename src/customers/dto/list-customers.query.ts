import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length } from 'class-validator';
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

  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'Only customers suspended before this time (ISO 8601), most recently suspended first; e.g. 90 days ago',
    example: '2026-09-01T00:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  suspendedBefore?: string;
}
