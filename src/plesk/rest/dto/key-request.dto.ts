import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { AddressesOrRanges } from '../../../auth/dto/api-key.dto';
import { TextField } from '../../../common/fields';

/** Plesk's `POST /api/v2/auth/keys` body. */
export class PleskKeyRequest {
  @ApiPropertyOptional({
    description: 'The address the key may be used from',
    example: '203.0.113.7',
  })
  @IsOptional()
  @IsString()
  @MaxLength(49)
  @AddressesOrRanges()
  ip?: string;

  @ApiPropertyOptional({ type: [String], description: 'Addresses or CIDR ranges' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(49, { each: true })
  @AddressesOrRanges()
  ips?: string[];

  @ApiPropertyOptional({ description: 'The administrator the key acts as (default: the caller)' })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  login?: string;

  @IsOptional()
  @TextField({ max: 100, api: { required: false, description: "Becomes the key's name" } })
  description?: string;
}
