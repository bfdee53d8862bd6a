import { type CanActivate, type ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { type Principal, type Role, InvalidTokenError, TokenVerifier } from '../../../../libs/application/src/auth/jwt';
import { ApiError } from './api-error';
import { RateLimiter } from './rate-limiter';

const PUBLIC = 'coinstream:public';
const ROLES_KEY = 'coinstream:roles';

/** No token needed (catalog, health, the signed payment webhook). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC, true);
/** The caller needs at least one of these roles. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new ApiError(401, 'UNAUTHENTICATED', 'A bearer token is required.');
  return principal;
});

/** Authenticates every non-public route, checks its roles, and rate-limits per caller. */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly tokens: TokenVerifier;

  constructor(
    private readonly reflector: Reflector,
    secret: string,
    private readonly limiter: RateLimiter,
  ) {
    this.tokens = new TokenVerifier(secret);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) {
      this.limiter.take(`ip:${request.ip}`);
      return true;
    }
    const header = request.headers.authorization;
    if (!header || !/^Bearer /i.test(header)) {
      throw new ApiError(401, 'UNAUTHENTICATED', 'A bearer token is required (Authorization: Bearer <JWT>).');
    }
    let principal: Principal;
    try {
      principal = this.tokens.verify(header.slice(7).trim());
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new ApiError(401, 'UNAUTHENTICATED', error.message);
      throw error;
    }
    this.limiter.take(`user:${principal.userId}`);
    request.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.some((r) => principal.roles.has(r))) {
      throw new ApiError(403, 'FORBIDDEN', `This needs one of the roles: ${roles.join(', ')}.`, { requiredRoles: roles });
    }
    return true;
  }
}

/** Owners see their own data; these roles see everyone's. */
export function assertOwnerOr(principal: Principal, ownerId: string, roles: readonly Role[]): void {
  if (principal.userId === ownerId) return;
  if (roles.some((r) => principal.roles.has(r))) return;
  throw new ApiError(403, 'FORBIDDEN', 'You may only read your own data.', {});
}

/** `me` in a path stands for the caller. */
export function resolveMe(id: string, principal: Principal): string {
  return id === 'me' ? principal.userId : id;
}
