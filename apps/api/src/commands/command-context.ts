import type { FastifyRequest } from 'fastify';

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
