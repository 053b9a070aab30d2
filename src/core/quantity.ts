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

const MILLI = 1000n;
const DECIMAL_SUFFIX: Record<number, string> = { [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/**
 * The form in which the API server stores `value` in a resource list of a built-in kind (ResourceQuota `hard`,
 * LimitRange limits, ...), so that a GitOps diff between the manifest and the live object stays empty: `"1000m"`
 * becomes `"1"`, `"1000"` `"1k"`, `"1024Mi"` `"1Gi"`, `"1.5Gi"` `"1536Mi"`, `"0.5"` `"500m"`, `"1u"` `"1m"`.
 *
 * The value is rounded up to milli precision, as core/v1 defaulting does for every resource list
 * (k8s.io/kubernetes v1.34.4, pkg/apis/core/v1/defaults.go `SetDefaults_ResourceList`), then written in
 * apimachinery's canonical form (k8s.io/apimachinery v0.34.4, pkg/api/resource/quantity.go `CanonicalizeBytes`,
 * amount.go `AsCanonicalBytes`): a binary suffix stays binary if the value is a whole number of at least 1024, with
 * the largest power of 1024 that divides it; otherwise the decimal mantissa loses its trailing zeros and its exponent
 * is lowered to a multiple of 3 (an SI suffix, or `eN` for a value written with an exponent). test/conformance
 * checks this against the real server. Custom resources keep quantities as written. A value that is not a
 * quantity is returned unchanged.
 */
export function canonicalQuantity(value: string): string {
  const m = QUANTITY.exec(value);
  const q = parseExact(value);
  if (!m || !q) return value;
  const suffix = m[2] ?? '';
  const negative = q.num < 0n;
  const abs = negative ? -q.num : q.num;
  const milli = (abs * MILLI + q.den - 1n) / q.den;
  if (milli === 0n) return '0';
  const sign = negative ? '-' : '';
  if (suffix in BINARY && milli >= 1024n * MILLI && milli % MILLI === 0n) {
    let whole = milli / MILLI;
    let e = 0;
    while (e < BINARY_SUFFIX.length - 1 && whole % 1024n === 0n) {
      whole /= 1024n;
      e++;
    }
    return `${sign}${whole}${BINARY_SUFFIX[e]}`;
  }
  let mantissa = milli;
  let exponent = -3;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  const shift = ((exponent % 3) + 3) % 3;
  mantissa *= 10n ** BigInt(shift);
  exponent -= shift;
  const canonical = /^[eE]/.test(suffix)
    ? `${sign}${mantissa}${exponent === 0 ? '' : `e${exponent}`}`
    : `${sign}${mantissa}${DECIMAL_SUFFIX[exponent] ?? `e${exponent}`}`;
  // A value already in canonical form is kept as written (ParseQuantity reuses the string), so "1E3" stays "1E3".
  return canonical.toLowerCase() === value.toLowerCase() ? value : canonical;
}

export const MEBIBYTE = 2n ** 20n;
export const GIBIBYTE = 2n ** 30n;
