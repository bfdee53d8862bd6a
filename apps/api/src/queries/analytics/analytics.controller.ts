import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../http/auth';
import { instantParam, limitParam, oneOfParam, positionParam } from '../../http/request-parsing';
import { validationFailed } from '../../http/validation';
import { ReadSide } from '../read-side';
import { AnalyticsQueries, type DayRange } from './analytics.queries';

/** `from` inclusive, `to` exclusive, as UTC days; all time by default. */
function dayRange(from: string | undefined, to: string | undefined): DayRange {
  const start = instantParam('from', from, false)?.toISOString().slice(0, 10) ?? '0000-01-01';
  const end = instantParam('to', to, false)?.toISOString().slice(0, 10) ?? '9999-12-31';
  if (start > end) throw validationFailed([{ field: 'from', problems: ['from must not be after to'] }]);
  return { from: start, to: end };
}

@ApiTags('analytics')
@ApiBearerAuth()
@Roles('analyst', 'admin')
@Controller('v1/analytics')
export class AnalyticsController {
  constructor(private readonly readSide: ReadSide, private readonly analytics: AnalyticsQueries) {}

  @Get('leaderboards/creators')
  @ApiQuery({ name: 'from', required: false }) @ApiQuery({ name: 'to', required: false }) @ApiQuery({ name: 'limit', required: false })
  creators(@Query('from') from?: string, @Query('to') to?: string, @Query('limit') limit?: string, @Query('minPosition') min?: string) {
    const range = dayRange(from, to);
    return this.readSide.read(positionParam('minPosition', min), () => this.analytics.creatorLeaderboard(range, limitParam(limit, 10)));
  }

  @Get('leaderboards/gifters')
  @ApiQuery({ name: 'from', required: false }) @ApiQuery({ name: 'to', required: false }) @ApiQuery({ name: 'limit', required: false })
  gifters(@Query('from') from?: string, @Query('to') to?: string, @Query('limit') limit?: string, @Query('minPosition') min?: string) {
    const range = dayRange(from, to);
    return this.readSide.read(positionParam('minPosition', min), () => this.analytics.gifterLeaderboard(range, limitParam(limit, 10)));
  }

  @Get('revenue')
  @ApiQuery({ name: 'groupBy', required: false, enum: ['day', 'region', 'channel', 'currency'] })
  revenue(@Query('from') from?: string, @Query('to') to?: string, @Query('groupBy') groupBy?: string, @Query('minPosition') min?: string) {
    const range = dayRange(from, to);
    const by = oneOfParam('groupBy', groupBy, ['day', 'region', 'channel', 'currency'] as const, 'day');
    return this.readSide.read(positionParam('minPosition', min), () => this.analytics.revenue(range, by));
  }

  @Get('gifts/popularity')
  popularity(@Query('limit') limit?: string, @Query('minPosition') min?: string) {
    return this.readSide.read(positionParam('minPosition', min), () => this.analytics.giftPopularity(limitParam(limit, 50)));
  }

  @Get('liability')
  liability(@Query('minPosition') min?: string) {
    return this.readSide.read(positionParam('minPosition', min), () => this.analytics.liability());
  }
}
