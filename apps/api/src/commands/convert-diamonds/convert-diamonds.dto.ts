import { ApiProperty } from '@nestjs/swagger';
import { IsCount } from '../../http/dto-rules';
import { MoneyView } from '../../http/money.view';

export class ConvertDiamondsBody {
  @IsCount(1, 1_000_000_000_000, { example: 20_000 })
  diamonds!: number;
}

export class ConvertDiamondsResponse {
  @ApiProperty() conversionId!: string;
  @ApiProperty({ type: 'integer', description: 'diamonds converted (a remainder that makes no whole minor unit stays available)' })
  diamonds!: number;
  @ApiProperty({ type: MoneyView }) payout!: MoneyView;
  @ApiProperty({ type: 'integer' }) diamondsAvailable!: number;
  @ApiProperty({ type: 'integer' }) position!: number;
}
