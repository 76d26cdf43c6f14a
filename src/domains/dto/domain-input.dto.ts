import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';
import { MAX_ID } from '../../common/parse-id.pipe';

export class CreateDomainDto {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    description: 'The subscription that gets the domain',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  subscriptionId!: number;

  @ApiProperty({
    description: 'Host name in Unicode or punycode; stored lower-case in punycode',
    example: 'bücher.example',
  })
  @IsString()
  @Length(1, 1012)
  name!: string;
}
