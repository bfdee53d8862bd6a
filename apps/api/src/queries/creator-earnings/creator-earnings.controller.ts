import { Controller, Get, Param, Query as QueryParam } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../../../../../libs/application/src/auth/jwt';
import { assertOwnerOr, CurrentPrincipal, resolveMe } from '../../http/auth';
import { positionParam } from '../../http/request-parsing';
import { identifierParam } from '../path-params';
import { GetCreatorEarningsQuery } from './creator-earnings.query';

@ApiTags('queries')
@ApiBearerAuth()
@Controller('v1/creators')
export class CreatorEarningsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':creatorId/earnings')
  @ApiQuery({ name: 'minPosition', required: false, type: 'integer' })
  earnings(@Param('creatorId') raw: string, @QueryParam('minPosition') minPosition: string | undefined, @CurrentPrincipal() principal: Principal) {
    const creatorId = identifierParam('creatorId', resolveMe(raw, principal));
    assertOwnerOr(principal, creatorId, ['analyst', 'auditor', 'admin']);
    return this.queryBus.execute(new GetCreatorEarningsQuery(creatorId, positionParam('minPosition', minPosition)));
  }
}
