import type { FastifyRequest } from 'fastify';
import { isoNow } from '../../../../libs/application/src/iso-clock';

/** Who asks and why: copied into every event's metadata. */
export type CommandContext = {
  actorId: string;
  correlationId: string;
  causationId: string;
  idempotencyKey?: string;
};

export function commandContext(request: FastifyRequest, actorId: string, idempotencyKey: string | undefined): CommandContext {
  const correlationId = String(request.id);
  return { actorId, correlationId, causationId: correlationId, ...(idempotencyKey !== undefined && { idempotencyKey }) };
}

/** The time a command is decided at (shared within a millisecond: see isoNow). */
export const nowIso = isoNow;
