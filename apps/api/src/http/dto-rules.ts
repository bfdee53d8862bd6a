import { applyDecorators } from '@nestjs/common';
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IDENTIFIER_PATTERN } from '../../../../libs/application/src/auth/jwt';

/** An identifier (API.md): 1–128 letters, digits and `._:@|-`. */
export function IsIdentifier(options: ApiPropertyOptions = {}): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: String, pattern: IDENTIFIER_PATTERN.source, minLength: 1, maxLength: 128, ...options } as ApiPropertyOptions),
    IsString(),
    Matches(IDENTIFIER_PATTERN, { message: '$property must be 1 to 128 letters, digits or ._:@|-' }),
  );
}

/** A whole number within bounds (no floats, no strings). */
export function IsCount(min: number, max: number, options: ApiPropertyOptions = {}): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: 'integer', minimum: min, maximum: max, ...options } as ApiPropertyOptions),
    IsInt(),
    Min(min),
    Max(max),
  );
}

export function IsBoundedText(maxLength: number, options: ApiPropertyOptions = {}): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: String, minLength: 1, maxLength, ...options } as ApiPropertyOptions),
    IsString(),
    MaxLength(maxLength),
    Matches(/^\S/, { message: '$property must not be empty or start with a space' }),
  );
}
