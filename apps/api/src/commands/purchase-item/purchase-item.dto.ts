import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsCount, IsIdentifier } from '../../http/dto-rules';

export class PurchaseItemBody {
  @IsIdentifier({ example: 'sticker-heart' })
  itemId!: string;

  @IsCount(1, 10_000, { example: 1 })
  quantity!: number;

  @IsOptional()
  @IsIdentifier({ required: false, description: 'the video a promotion boosts', example: 'video-123' })
  target?: string;
}

export class PurchaseItemResponse {
  @ApiProperty() purchaseId!: string;
  @ApiProperty() itemId!: string;
  @ApiProperty({ type: 'integer' }) quantity!: number;
  @ApiProperty({ type: 'integer' }) coinsSpent!: number;
  @ApiProperty({ type: 'integer' }) balance!: number;
  @ApiProperty({ type: 'integer' }) position!: number;
  @ApiPropertyOptional() target?: string;
}
