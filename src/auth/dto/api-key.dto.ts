import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  MaxLength,
  registerDecorator,
} from 'class-validator';
import { TextField } from '../../common/fields';
import { canonicalRange } from '../address-list';
import { API_KEY_ACCESS, ApiKeyAccess } from '../api-key.entity';

/** Each entry an IPv4 or IPv6 address or CIDR range. */
export function AddressesOrRanges() {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'addressesOrRanges',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        each: true,
        message: '$property must hold IPv4 or IPv6 addresses or CIDR ranges such as 10.0.0.0/8',
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && canonicalRange(value) !== undefined,
      },
    });
}

export class CreateApiKeyDto {
  @TextField({ min: 1, max: 100, api: { example: 'Billing system' } })
  name!: string;

  @ApiPropertyOptional({ enum: API_KEY_ACCESS, default: 'full' })
  @IsOptional()
  @IsIn(API_KEY_ACCESS)
  access?: ApiKeyAccess;

  @ApiPropertyOptional({
    type: [String],
    example: ['203.0.113.7', '10.0.0.0/8', '2001:db8::/32'],
    description: 'Addresses or CIDR ranges the key may be used from; leave out for any address',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(49, { each: true })
  @AddressesOrRanges()
  allowedIps?: string[];

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'In the future; leave out for no expiry',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  expiresAt?: string;
}

export class ApiKeyView {
  @ApiProperty() id!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: API_KEY_ACCESS }) access!: ApiKeyAccess;
  @ApiProperty({
    type: [String],
    nullable: true,
    description: 'Addresses or CIDR ranges; null: any address',
  })
  allowedIps!: string[] | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastUsedIp!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({
    description: 'The key itself: shown only in this answer. Send it as X-API-Key.',
    example: 'ck_3q2-7wEXAMPLEdoNotUse0123456789abcdefghij',
  })
  key!: string;
}
