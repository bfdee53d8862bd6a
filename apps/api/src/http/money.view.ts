import { ApiProperty } from '@nestjs/swagger';

/** Money on the wire: integer minor units and an ISO 4217 currency. */
export class MoneyView {
  @ApiProperty({ type: 'integer', example: 199, description: 'minor units (cents)' }) value!: number;
  @ApiProperty({ example: 'USD' }) currency!: string;
}
