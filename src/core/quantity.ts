import { IConstruct } from 'constructs';
import { fail } from './errors';

// The Kubernetes resource.Quantity grammar (k8s.io/apimachinery/pkg/api/resource/quantity.go):
// a signed decimal number followed by a binary suffix, a decimal suffix or a decimal exponent.
const QUANTITY = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const BINARY: Record<string, bigint> = { Ki: 2n ** 10n, Mi: 2n ** 20n, Gi: 2n ** 30n, Ti: 2n ** 40n, Pi: 2n ** 50n, Ei: 2n ** 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** An exact rational value: numerator / 10^scale. Enough to compare quantities and test divisibility. */
interface Exact {
  readonly num: bigint;
  readonly den: bigint;
}

function parseExact(value: string): Exact | undefined {
  if (typeof value !== 'string') return undefined;
  const m = QUANTITY.exec(value);
  if (!m) return undefined;
  const [intPart, fracPart = ''] = m[1].replace(/^\+/, '').split('.');
  const negative = intPart.startsWith('-');
  let num = BigInt((intPart.replace('-', '') || '0') + fracPart);
  if (negative) num = -num;
  let den = 10n ** BigInt(fracPart.length);
  const suffix = m[2] ?? '';
  if (suffix in BINARY) {
    num *= BINARY[suffix];
  } else if (suffix !== '') {
    const exp = suffix in DECIMAL ? DECIMAL[suffix] : Number(suffix.slice(1));
    if (exp >= 0) num *= 10n ** BigInt(exp); else den *= 10n ** BigInt(-exp);
  }
  return { num, den };
}

/** Whether `value` is a Kubernetes quantity such as `10Gi`, `512M`, `1.5` or `100m`. */
export function isQuantity(value: string): boolean {
  return parseExact(value) !== undefined;
}

/**
 * Parses a quantity of bytes (a storage or memory size), rejecting what is not a quantity or not a whole,
 * positive number of bytes.
 */
export function parseBytes(scope: IConstruct, field: string, value: string): bigint {
  const q = parseExact(value);
  if (!q) fail(scope, field, value, 'must be a Kubernetes quantity such as "10Gi" or "512Mi"');
  if (q.num % q.den !== 0n || q.num <= 0n) fail(scope, field, value, 'must be a positive whole number of bytes');
  return q.num / q.den;
}

/** Parses a CPU quantity into millicores, rejecting what is not a positive quantity. */
export function parseMillicores(scope: IConstruct, field: string, value: string): number {
  const q = parseExact(value);
  if (!q) fail(scope, field, value, 'must be a Kubernetes quantity such as "2" or "500m"');
  const milli = (q.num * 1000n) / q.den;
  if (milli <= 0n || (q.num * 1000n) % q.den !== 0n) fail(scope, field, value, 'must be a positive number of CPUs with at most millicore precision');
  return Number(milli);
}

export const MEBIBYTE = 2n ** 20n;
export const GIBIBYTE = 2n ** 30n;
