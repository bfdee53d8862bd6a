import { ApiProperty } from '@nestjs/swagger';
import { IsCount, IsIdentifier } from '../../http/dto-rules';

export class SendGiftBody {
  @IsIdentifier({ example: 'creator-42' })
  creatorId!: string;

  @IsIdentifier({ example: 'rose' })
  giftId!: string;

  @IsCount(1, 10_000, { example: 3 })
  quantity!: number;
}

export class SendGiftResponse {
  @ApiProperty() giftTxnId!: string;
  @ApiProperty({ type: 'integer' }) coinsSpent!: number;
  @ApiProperty({ type: 'integer' }) diamondsCredited!: number;
  @ApiProperty({ type: 'integer', description: 'coins left in the wallet' }) balance!: number;
  @ApiProperty({ type: 'integer', description: 'global position of the GiftSent event' }) position!: number;
}
