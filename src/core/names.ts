import { IConstruct } from 'constructs';
import { fail } from './errors';

// Kubernetes name rules (k8s.io/apimachinery/pkg/util/validation).
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_MAX = 63;
const SUBDOMAIN_MAX = 253;

export function isDns1123Label(value: string): boolean {
  return typeof value === 'string' && value.length <= LABEL_MAX && DNS1123_LABEL.test(value);
}

export function isDns1035Label(value: string): boolean {
  return typeof value === 'string' && value.length <= LABEL_MAX && DNS1035_LABEL.test(value);
}

export function isDns1123Subdomain(value: string): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= SUBDOMAIN_MAX
    && value.split('.').every((label) => DNS1123_LABEL.test(label));
}

/** A DNS-1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric, at most 63 characters. */
export function requireDns1123Label(scope: IConstruct, field: string, value: string): string {
  if (!isDns1123Label(value)) {
    fail(scope, field, value, 'must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters)');
  }
  return value;
}

/** A DNS-1035 label: like DNS-1123, but starting with a letter. */
export function requireDns1035Label(scope: IConstruct, field: string, value: string): string {
  if (!isDns1035Label(value)) {
    fail(scope, field, value, 'must be a DNS-1035 label (lower-case letters, digits and \'-\', starting with a letter, ending with a letter or digit, at most 63 characters)');
  }
  return value;
}

/** A DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253 characters. */
export function requireDns1123Subdomain(scope: IConstruct, field: string, value: string): string {
  if (!isDns1123Subdomain(value)) {
    fail(scope, field, value, 'must be a DNS-1123 subdomain (dot-separated DNS-1123 labels, at most 253 characters)');
  }
  return value;
}

// Label and annotation keys: an optional DNS-1123 subdomain prefix and '/', then a name of at most 63
// characters; label values: at most 63 characters of the same alphabet, or empty (apimachinery validation).
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function isQualifiedName(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  const prefixOk = parts.length === 1 || isDns1123Subdomain(parts[0]);
  return prefixOk && name.length <= LABEL_MAX && QUALIFIED_NAME.test(name);
}

/** Labels (or a node selector): qualified-name keys and short values, as the API server requires. */
export function requireLabels(scope: IConstruct, field: string, labels: { [key: string]: string } | undefined): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (!isQualifiedName(key)) {
      fail(scope, `${field}`, key, 'is not a valid label key: an optional DNS-1123 subdomain prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending alphanumeric');
    }
    if (typeof value !== 'string' || value.length > LABEL_MAX || !LABEL_VALUE.test(value)) {
      fail(scope, `${field}.${key}`, value, 'is not a valid label value: at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending alphanumeric, or empty');
    }
  }
}

/** Annotations: qualified-name keys and string values. */
export function requireAnnotations(scope: IConstruct, field: string, annotations: { [key: string]: string } | undefined): void {
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (!isQualifiedName(key)) {
      fail(scope, `${field}`, key, 'is not a valid annotation key: an optional DNS-1123 subdomain prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending alphanumeric');
    }
    if (typeof value !== 'string') fail(scope, `${field}.${key}`, value, 'must be a string');
  }
}
