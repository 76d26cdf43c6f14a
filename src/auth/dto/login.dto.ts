import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @Length(1, 255)
  username!: string;

  @ApiProperty({ example: 'a-long-password' })
  @IsString()
  @Length(1, 1024)
  password!: string;
}

export class PrincipalView {
  @ApiProperty() id!: number;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: ['admin', 'customer'] }) role!: 'admin' | 'customer';
  @ApiProperty({ nullable: true, type: Number }) customerId!: number | null;
  @ApiProperty({
    description: "The customer's locale; null for administrators",
    nullable: true,
    type: String,
  })
  locale!: string | null;
}

export class LoginResponse {
  @ApiProperty() accessToken!: string;
  @ApiProperty({ example: 'Bearer' }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'Seconds until the token expires' }) expiresIn!: number;
  @ApiProperty({
    description: 'Send as X-CSRF-Token with changes authenticated by the session cookie',
  })
  csrfToken!: string;
  @ApiProperty({ type: PrincipalView }) user!: PrincipalView;
}
