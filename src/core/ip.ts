import { Address4, Address6 } from 'ip-address';

/** IP version of an address or block. */
export type IpFamily = 4 | 6;

/** A parsed address. */
export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
  /** Canonical text form (no leading zeros, compressed IPv6). */
  readonly text: string;
}

/** A contiguous block of addresses [first, last], with the prefix of the CIDR it came from. */
export interface IpBlock {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
  readonly prefix: number;
  /** Canonical CIDR text of the enclosing network, e.g. `10.0.0.0/24`. */
  readonly cidr: string;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

function familyOf(value: string): IpFamily | undefined {
  if (typeof value !== 'string' || value.trim() !== value || value === '') return undefined;
  return value.includes(':') ? 6 : 4;
}

function construct(family: IpFamily, text: string): Address4 | Address6 | undefined {
  try {
    return family === 4 ? new Address4(text) : new Address6(text);
  } catch {
    return undefined;
  }
}

/** Parses a bare address (no prefix). Returns undefined when `value` is not one. */
export function parseAddress(value: string): IpAddress | undefined {
  const family = familyOf(value);
  if (!family || value.includes('/') || value.includes('%')) return undefined;
  const a = construct(family, value);
  if (!a) return undefined;
  return { family, value: a.bigInt(), text: a.correctForm() };
}

/** Formats a numeric address of a family as canonical text. */
export function formatAddress(family: IpFamily, value: bigint): string {
  return family === 4 ? Address4.fromBigInt(value).correctForm() : Address6.fromBigInt(value).correctForm();
}

/** The outcome of parsing a CIDR: a block, or the reason it is not one. */
export interface CidrResult {
  readonly block?: IpBlock;
  readonly error?: string;
}

/**
 * Parses `address/prefix`. The address must be the network address (no host bits set), because a CIDR with
 * host bits usually means the user confused a range start with a network.
 */
export function parseCidr(value: string): CidrResult {
  const family = familyOf(value);
  const parts = typeof value === 'string' ? value.split('/') : [];
  if (!family || parts.length !== 2 || !/^[0-9]{1,3}$/.test(parts[1])) {
    return { error: 'must be a CIDR such as "10.0.0.0/24" or "fd00::/64"' };
  }
  const prefix = Number(parts[1]);
  if (prefix > BITS[family]) {
    return { error: `must have a prefix length from 0 to ${BITS[family]}` };
  }
  const address = parseAddress(parts[0]);
  if (!address || address.family !== family) {
    return { error: 'must be a CIDR such as "10.0.0.0/24" or "fd00::/64"' };
  }
  const size = 2n ** BigInt(BITS[family] - prefix);
  const first = (address.value / size) * size;
  if (first !== address.value) {
    const network = `${formatAddress(family, first)}/${prefix}`;
    return { error: `has host bits set; did you mean "${network}"?` };
  }
  return { block: { family, first, last: first + size - 1n, prefix, cidr: `${formatAddress(family, first)}/${prefix}` } };
}

/** The number of addresses in a block. */
export function blockSize(block: IpBlock): bigint {
  return block.last - block.first + 1n;
}

export function contains(block: IpBlock, address: IpAddress): boolean {
  return block.family === address.family && address.value >= block.first && address.value <= block.last;
}

export function containsBlock(outer: IpBlock, inner: IpBlock): boolean {
  return outer.family === inner.family && inner.first >= outer.first && inner.last <= outer.last;
}

export function overlaps(a: IpBlock, b: IpBlock): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** A half-open list of [first, last] intervals; used to count what remains of a pool after exclusions. */
export function countRemaining(first: bigint, last: bigint, excluded: ReadonlyArray<readonly [bigint, bigint]>): bigint {
  if (last < first) return 0n;
  const clipped = excluded
    .map(([a, b]) => [a < first ? first : a, b > last ? last : b] as const)
    .filter(([a, b]) => a <= b)
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  let covered = 0n;
  let end = first - 1n;
  for (const [a, b] of clipped) {
    const start = a > end ? a : end + 1n;
    if (b >= start) {
      covered += b - start + 1n;
      end = b;
    }
  }
  return last - first + 1n - covered;
}
