import { DomainError } from './domain-errors';

/** The refusals of a request body that cannot be read; each has its own problem type. */
export class MalformedJson extends DomainError {
  readonly status = 400;
  readonly slug = 'malformed-json';
  readonly title = 'Malformed JSON.';
  constructor() {
    super('The request body is not valid JSON.');
  }
}

export class MalformedUtf8 extends DomainError {
  readonly status = 400;
  readonly slug = 'malformed-utf8';
  readonly title = 'Malformed UTF-8.';
  constructor() {
    super('The request body is not valid UTF-8.');
  }
}

export class MalformedEncoding extends DomainError {
  readonly status = 400;
  readonly slug = 'malformed-encoding';
  readonly title = 'Malformed body encoding.';
  constructor() {
    super('The request body is not encoded as its Content-Encoding says.');
  }
}

export class UnsupportedMediaType extends DomainError {
  readonly status = 415;
  readonly slug = 'unsupported-media-type';
  readonly title = 'Unsupported media type.';
}
