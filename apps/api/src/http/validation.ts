import { type ArgumentMetadata, Injectable, type PipeTransform, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiError } from './api-error';

type FieldProblem = { field: string; problems: string[] };

function flatten(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

export function validationFailed(fields: FieldProblem[], message = 'The request is invalid.'): ApiError {
  return new ApiError(400, 'VALIDATION_FAILED', message, { fields });
}

/**
 * Strict bodies (API.md): an object, no unknown fields, exact types (no implicit conversion).
 * Every bad field is listed in details.fields.
 */
@Injectable()
export class StrictBodyPipe implements PipeTransform {
  private readonly inner = new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationFailed(flatten(errors)),
  });

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body' || !metadata.metatype || metadata.metatype === Object) return value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw validationFailed([{ field: '(body)', problems: ['the body must be a JSON object'] }]);
    }
    const reserved = reservedKeys(value);
    if (reserved.length > 0) {
      throw validationFailed(reserved.map((field) => ({ field, problems: [`property ${field} should not exist`] })));
    }
    return this.inner.transform(value, metadata);
  }
}

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Keys the whitelist cannot see: class-transformer assigns `constructor` onto the DTO instance,
 * where every object already has one, so it would pass as a known field.
 */
function reservedKeys(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, child]) => {
    const field = prefix ? `${prefix}.${key}` : key;
    const own = RESERVED.has(key) ? [field] : [];
    return child !== null && typeof child === 'object' ? [...own, ...reservedKeys(child, field)] : own;
  });
}
