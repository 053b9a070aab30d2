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
