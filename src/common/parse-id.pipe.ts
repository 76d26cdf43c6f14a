import { Injectable, PipeTransform } from '@nestjs/common';
import { ValidationFailed } from './domain-errors';

export const MAX_ID = 4_294_967_295; // INT UNSIGNED

/** Path ids are positive integers; anything else is 400, never a database error. */
@Injectable()
export class ParseIdPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    if (typeof value !== 'string' || !/^[1-9]\d{0,9}$/.test(value) || Number(value) > MAX_ID) {
      throw new ValidationFailed([
        { field: 'id', code: 'invalid_format', message: 'must be a positive integer' },
      ]);
    }
    return Number(value);
  }
}
