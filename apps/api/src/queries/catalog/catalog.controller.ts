import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { CHANNELS, listCoinPackages } from '../../../../../libs/domain/src';
import type { EconomyRuntime } from '../../../../../libs/runtime/src/economy-runtime';
import { Public } from '../../http/auth';
import { oneOfParam } from '../../http/request-parsing';
import { validationFailed } from '../../http/validation';
import { RUNTIME } from '../../runtime.token';

/** The public price list: straight from the validated catalog, no read model involved. */
@ApiTags('catalog')
@Public()
@Controller('v1/catalog')
export class CatalogController {
  constructor(@Inject(RUNTIME) private readonly runtime: EconomyRuntime) {}

  @Get('coin-packages')
  @ApiQuery({ name: 'region', required: true, example: 'US' })
  @ApiQuery({ name: 'channel', required: true, enum: CHANNELS })
  coinPackages(@Query('region') region: string | undefined, @Query('channel') channel: string | undefined) {
    if (region === undefined || !/^[A-Z]{2}$/.test(region)) {
      throw validationFailed([{ field: 'region', problems: ['region must be an ISO 3166 alpha-2 code such as US'] }]);
    }
    const ch = oneOfParam('channel', channel, CHANNELS);
    return {
      items: listCoinPackages(this.runtime.catalog, region, ch).map((p) => ({ packageId: p.packageId, coins: p.coins, price: p.price })),
    };
  }

  @Get('gifts')
  gifts() {
    return { items: this.runtime.catalog.gifts.map((g) => ({ giftId: g.giftId, name: g.name, coins: g.coins, diamonds: g.diamonds })) };
  }

  @Get('items')
  items() {
    return { items: this.runtime.catalog.items.map((i) => ({ itemId: i.itemId, name: i.name, kind: i.kind, coins: i.coins })) };
  }
}
