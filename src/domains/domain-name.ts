import { domainToASCII, domainToUnicode } from 'node:url';
import { ValidationFailed } from '../common/domain-errors';

export interface DomainName {
  /** Lower-case ASCII (punycode for IDNs): what is stored and unique. */
  name: string;
  /** The same name in Unicode, for people. */
  unicodeName: string;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Characters that never belong in a host name, checked before IDNA mapping could hide them. */
const FORBIDDEN = /[\s/\\?#@:%*,;'"`<>[\]{}|^~!$&()+=]|\p{Cc}/u;

/**
 * Normalises a host name given in Unicode or ASCII: IDNA mapping (which lower-cases), then the
 * host-name rules on the ASCII form: labels of 1-63 letters, digits and hyphens, no hyphen at
 * either end, at least two labels, at most 253 characters, a top-level label that is not numeric.
 */
export function parseDomainName(input: string, field = 'name'): DomainName {
  const invalid = (message: string) => new ValidationFailed([{ field, message }]);
  const trimmed = input.trim();
  if (trimmed.length === 0) throw invalid('must not be empty');
  if (trimmed.length > 253 * 4 || FORBIDDEN.test(trimmed))
    throw invalid('must be a host name such as example.com');
  const name = domainToASCII(trimmed.toLowerCase());
  if (name === '') throw invalid('must be a host name such as example.com');
  if (name.length > 253) throw invalid('must be at most 253 characters long (in punycode)');
  const labels = name.split('.');
  if (labels.length < 2) throw invalid('must have at least two labels, such as example.com');
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    throw invalid(
      bad.length === 0 || bad.length > 63
        ? 'labels must be 1-63 characters long'
        : 'labels hold only letters, digits and inner hyphens',
    );
  }
  if (/^\d+$/.test(labels[labels.length - 1]))
    throw invalid('must not be an IP address or end in a numeric label');
  return { name, unicodeName: domainToUnicode(name) };
}
