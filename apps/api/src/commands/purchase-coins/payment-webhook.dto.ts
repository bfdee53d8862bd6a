import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsObject, IsString, Matches, Max, Min, ValidateNested } from 'class-validator';
import { CHANNELS, type Channel } from '../../../../../libs/domain/src';
import { IsIdentifier } from '../../http/dto-rules';

export class MoneyBody {
  @ApiProperty({ type: 'integer', example: 99, description: 'minor units' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  value!: number;

  @ApiProperty({ example: 'USD' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as USD' })
  currency!: string;
}

export class PaymentWebhookBody {
  @IsIdentifier({ example: 'pay_123' }) paymentId!: string;
  @IsIdentifier({ example: 'alice' }) userId!: string;
  @IsIdentifier({ example: 'coins-70' }) packageId!: string;

  @ApiProperty({ example: 'US' })
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'region must be an ISO 3166 alpha-2 code such as US' })
  region!: string;

  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel!: Channel;

  @ApiProperty({ type: MoneyBody })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => MoneyBody)
  amount!: MoneyBody;

  @ApiProperty({ enum: ['succeeded'] })
  @IsIn(['succeeded'])
  status!: 'succeeded';
}

export class PaymentWebhookResponse {
  @ApiProperty() paymentId!: string;
  @ApiProperty({ type: 'integer' }) coins!: number;
  @ApiProperty({ type: 'integer' }) balance!: number;
  @ApiProperty({ type: 'integer' }) position!: number;
}
