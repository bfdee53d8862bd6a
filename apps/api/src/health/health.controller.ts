import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { EconomyRuntime } from '../../../../libs/runtime/src/economy-runtime';
import { Public } from '../http/auth';
import { RUNTIME } from '../runtime.token';

/** 200 once commands and queries work; 503 when a store cannot be reached. Shows projection lag. */
@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(RUNTIME) private readonly runtime: EconomyRuntime) {}

  @Get()
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const [eventStore, readStore] = await Promise.allSettled([this.runtime.eventStore.ping(), this.runtime.readStore.ping()]);
    const up = eventStore.status === 'fulfilled' && readStore.status === 'fulfilled';
    const projections = up ? await this.runtime.projectionStatus().catch(() => []) : [];
    if (!up) void reply.status(503);
    return {
      status: up ? 'ok' : 'unavailable',
      storage: this.runtime.config.storage.kind,
      eventStore: eventStore.status === 'fulfilled' ? 'up' : 'down',
      readStore: readStore.status === 'fulfilled' ? 'up' : 'down',
      projections,
    };
  }
}
