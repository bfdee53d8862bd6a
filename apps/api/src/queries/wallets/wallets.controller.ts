import { Controller, Get, Param, Query as QueryParam } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../../../../../libs/application/src/auth/jwt';
import { assertOwnerOr, CurrentPrincipal, resolveMe } from '../../http/auth';
import { limitParam, positionParam } from '../../http/request-parsing';
import { identifierParam } from '../path-params';
import { GetWalletQuery, ListWalletTransactionsQuery } from './wallet.queries';

const READERS = ['analyst', 'auditor', 'admin'] as const;

@ApiTags('queries')
@ApiBearerAuth()
@Controller('v1/wallets')
export class WalletsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':userId')
  @ApiQuery({ name: 'minPosition', required: false, type: 'integer' })
  wallet(@Param('userId') rawUserId: string, @QueryParam('minPosition') minPosition: string | undefined, @CurrentPrincipal() principal: Principal) {
    const userId = identifierParam('userId', resolveMe(rawUserId, principal));
    assertOwnerOr(principal, userId, READERS);
    return this.queryBus.execute(new GetWalletQuery(userId, positionParam('minPosition', minPosition), userId === principal.userId));
  }

  @Get(':userId/transactions')
  @ApiQuery({ name: 'minPosition', required: false, type: 'integer' })
  @ApiQuery({ name: 'limit', required: false, type: 'integer' })
  @ApiQuery({ name: 'cursor', required: false, type: String })
  transactions(
    @Param('userId') rawUserId: string,
    @QueryParam('limit') limit: string | undefined,
    @QueryParam('cursor') cursor: string | undefined,
    @QueryParam('minPosition') minPosition: string | undefined,
    @CurrentPrincipal() principal: Principal,
  ) {
    const userId = identifierParam('userId', resolveMe(rawUserId, principal));
    assertOwnerOr(principal, userId, READERS);
    return this.queryBus.execute(
      new ListWalletTransactionsQuery(userId, limitParam(limit), cursor, positionParam('minPosition', minPosition)),
    );
  }
}
