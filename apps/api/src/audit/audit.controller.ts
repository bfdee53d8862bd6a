import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  creatorStream,
  EVENT_TYPES,
  parseStreamName,
  streamOwnerId,
  upcastEvent,
  walletStream,
  type CreatorEvent,
  type WalletEvent,
} from '../../../../libs/domain/src';
import { PointInTimeReplayer } from '../../../../libs/application/src/audit/balance-at';
import { positionToJson, type RecordedEvent } from '../../../../libs/event-store/src/event-store.port';
import type { EconomyRuntime } from '../../../../libs/runtime/src/economy-runtime';
import { ApiError } from '../http/api-error';
import { Roles } from '../http/auth';
import { encodeCursor, instantParam, limitParam, oneOfParam, positionCursor, positionParam } from '../http/request-parsing';
import { validationFailed } from '../http/validation';
import { identifierParam } from '../queries/path-params';
import { RUNTIME } from '../runtime.token';

function eventView(e: RecordedEvent) {
  return {
    streamName: e.streamName,
    revision: positionToJson(e.revision),
    position: positionToJson(e.position),
    eventId: e.eventId,
    type: e.type,
    data: e.data,
    metadata: e.metadata,
    recordedAt: e.recordedAt.toISOString(),
  };
}

const upcast = <E>(e: RecordedEvent): E => ({ type: e.type, data: upcastEvent(e.type, e.data, e.metadata.schemaVersion) }) as E;

/** What auditors read straight from the event log: history, and balances replayed at an instant. */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor', 'admin')
@Controller('v1/audit')
export class AuditController {
  private readonly replayer: PointInTimeReplayer;

  constructor(@Inject(RUNTIME) private readonly runtime: EconomyRuntime) {
    this.replayer = new PointInTimeReplayer(runtime.eventStore);
  }

  @Get('streams/:streamName')
  @ApiQuery({ name: 'fromRevision', required: false, type: 'integer' })
  @ApiQuery({ name: 'limit', required: false, type: 'integer' })
  @ApiQuery({ name: 'cursor', required: false })
  async stream(
    @Param('streamName') streamName: string,
    @Query('fromRevision') fromRevision?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ) {
    const ref = parseStreamName(streamName);
    if (!ref) throw validationFailed([{ field: 'streamName', problems: ['streamName must be wallet-{userId}, creator-{creatorId} or payment-{paymentId}'] }]);
    identifierParam('streamName', streamOwnerId(ref));
    const max = limitParam(limit);
    const from = positionCursor(cursor) ?? positionParam('fromRevision', fromRevision) ?? 0n;
    const asOfPosition = await this.runtime.eventStore.headPosition();
    const events = await this.runtime.eventStore.readStream(streamName, { fromRevision: from, maxCount: max + 1 });
    if (events.length === 0 && (await this.runtime.eventStore.streamRevision(streamName)) === null) {
      throw new ApiError(404, 'NOT_FOUND', `No stream ${streamName}.`, { streamName });
    }
    const page = events.slice(0, max);
    return {
      items: page.map(eventView),
      nextCursor: events.length > max ? encodeCursor([String(page[page.length - 1]!.revision + 1n)]) : null,
      asOfPosition: positionToJson(asOfPosition),
    };
  }

  @Get('events')
  @ApiQuery({ name: 'fromPosition', required: false, type: 'integer' })
  @ApiQuery({ name: 'limit', required: false, type: 'integer' })
  @ApiQuery({ name: 'type', required: false, enum: EVENT_TYPES })
  @ApiQuery({ name: 'cursor', required: false })
  async events(@Query('fromPosition') fromPosition?: string, @Query('limit') limit?: string, @Query('type') type?: string, @Query('cursor') cursor?: string) {
    const max = limitParam(limit);
    const only = type === undefined || type === '' ? undefined : oneOfParam('type', type, EVENT_TYPES);
    const resumeAfter = positionCursor(cursor);
    const from = positionParam('fromPosition', fromPosition);
    let after = resumeAfter ?? (from !== undefined && from > 0n ? from - 1n : 0n);
    const asOfPosition = await this.runtime.eventStore.headPosition();
    const items: RecordedEvent[] = [];
    // A type filter may scan far; stop after a bounded scan and hand back a cursor.
    for (let scanned = 0; items.length < max && scanned < 20_000; ) {
      const page = await this.runtime.eventStore.readAll({ after, maxCount: 1_000 });
      if (page.length === 0) {
        after = asOfPosition;
        break;
      }
      for (const e of page) {
        scanned += 1;
        after = e.position;
        if (only === undefined || e.type === only) items.push(e);
        if (items.length === max) break;
      }
    }
    return {
      items: items.map(eventView),
      nextCursor: after < asOfPosition ? encodeCursor([after.toString()]) : null,
      asOfPosition: positionToJson(asOfPosition),
    };
  }

  @Get('wallets/:userId/balance')
  @ApiQuery({ name: 'at', required: true, description: 'ISO 8601 instant' })
  async walletBalance(@Param('userId') rawUserId: string, @Query('at') at?: string) {
    const userId = identifierParam('userId', rawUserId);
    const instant = instantParam('at', at, true)!;
    const asOfPosition = await this.runtime.eventStore.headPosition();
    const result = await this.replayer.stateAt(walletStream(userId), this.runtime.walletModel, instant, upcast<WalletEvent>);
    return {
      userId,
      at: instant.toISOString(),
      balance: result.state.balance,
      coinsPurchased: result.state.coinsPurchased,
      coinsSpent: result.state.coinsSpent,
      eventsApplied: result.eventsApplied,
      lastPosition: result.lastPosition === null ? null : positionToJson(result.lastPosition),
      asOfPosition: positionToJson(asOfPosition),
    };
  }

  @Get('creators/:creatorId/balance')
  @ApiQuery({ name: 'at', required: true, description: 'ISO 8601 instant' })
  async creatorBalance(@Param('creatorId') rawCreatorId: string, @Query('at') at?: string) {
    const creatorId = identifierParam('creatorId', rawCreatorId);
    const instant = instantParam('at', at, true)!;
    const asOfPosition = await this.runtime.eventStore.headPosition();
    const result = await this.replayer.stateAt(creatorStream(creatorId), this.runtime.creatorModel, instant, upcast<CreatorEvent>);
    const payouts = Object.entries(result.state.payouts).map(([currency, value]) => ({ value, currency }));
    return {
      creatorId,
      at: instant.toISOString(),
      registered: result.state.registered,
      diamondsEarned: result.state.diamondsEarned,
      diamondsConverted: result.state.diamondsConverted,
      diamondsAvailable: result.state.diamondsAvailable,
      payouts,
      eventsApplied: result.eventsApplied,
      lastPosition: result.lastPosition === null ? null : positionToJson(result.lastPosition),
      asOfPosition: positionToJson(asOfPosition),
    };
  }
}
