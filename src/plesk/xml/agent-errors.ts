import { Logger } from '@nestjs/common';
import { DomainError, FieldError, ValidationFailed } from '../../common/domain-errors';

/** The error codes of Plesk's XML API that clientele answers (DESIGN 7b). */
export const AGENT_ERROR = {
  authenticationFailed: 1001,
  alreadyExists: 1007,
  unsupportedVersion: 1005,
  permissionDenied: 1006,
  notFound: 1013,
  parseError: 1014,
  invalidValue: 1019,
  operationFailed: 1023,
  invalidSecretKey: 11003,
} as const;
export type AgentErrorCode = (typeof AGENT_ERROR)[keyof typeof AGENT_ERROR];

/** An operation (or a whole packet) that Plesk would refuse with `code`. */
export class AgentError extends Error {
  constructor(
    readonly code: AgentErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** clientele's field names in an operator's words, so a validation message names what the client sent. */
export type FieldNames = Record<string, string>;

export const CUSTOMER_FIELDS: FieldNames = {
  username: 'login',
  password: 'passwd',
  name: 'pname',
  company: 'cname',
  postalCode: 'pcode',
  externalId: 'external-id',
};

function pleskMessage({ field, message }: FieldError, fields: FieldNames): string {
  const plesk = fields[field] ?? field;
  // class-validator's messages start with the property name: say it as Plesk does.
  return `${plesk}: ${message.startsWith(field) ? plesk + message.slice(field.length) : message}`;
}

const CODE_BY_STATUS: Record<number, AgentErrorCode> = {
  400: AGENT_ERROR.invalidValue,
  401: AGENT_ERROR.authenticationFailed,
  403: AGENT_ERROR.permissionDenied,
  404: AGENT_ERROR.notFound,
  409: AGENT_ERROR.alreadyExists,
  412: AGENT_ERROR.operationFailed,
  429: AGENT_ERROR.authenticationFailed,
};

const logger = new Logger('PleskXml');

/** What Plesk would answer for an error a service threw: its code and text. */
export function asAgentError(error: unknown, fields: FieldNames = {}): AgentError {
  if (error instanceof AgentError) return error;
  if (error instanceof ValidationFailed)
    return new AgentError(
      AGENT_ERROR.invalidValue,
      error.errors.map((e) => pleskMessage(e, fields)).join('; '),
    );
  if (error instanceof DomainError) {
    const code = CODE_BY_STATUS[error.status] ?? AGENT_ERROR.operationFailed;
    const details = error.errors?.map((e) => pleskMessage(e, fields)).join('; ');
    return new AgentError(code, details ? `${error.message} (${details})` : error.message);
  }
  // Not a refusal but a fault (a lost connection, a bug): logged, and answered as Plesk's
  // "operation failed" without internals.
  logger.error(error);
  return new AgentError(AGENT_ERROR.operationFailed, 'The operation failed; try again later.');
}
