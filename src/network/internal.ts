import { IConstruct } from 'constructs';
import { IpBlock } from '../core/ip';

// Types shared inside the network module; not part of the public (jsii) API.

/** What an IPAM tells the network plan for app-wide checks. */
export interface PlannedRange {
  readonly block: IpBlock;
  /** The allocatable part, [first, last]. */
  readonly first: bigint;
  readonly last: bigint;
  /** The pool key part that is not the range, i.e. network_name ('' when omitted). */
  readonly poolName: string;
  /**
   * Which allocator hands the addresses out: whereabouts (one pool cluster-wide), host-local (the whole range
   * on every node) or static (every attachment gets the same address).
   * @default 'whereabouts'
   */
  readonly allocator?: 'whereabouts' | 'host-local' | 'static';
  /** Intervals of [first, last] never handed out (exclusions, gateways), for capacity counting. */
  readonly excluded?: ReadonlyArray<readonly [bigint, bigint]>;
  /** The same exclusions as written into the configuration (CIDRs), for the estate plan. */
  readonly exclude?: readonly string[];
}

/** Context of the network that owns an IPAM. */
export interface IpamContext {
  readonly scope: IConstruct;
  readonly namespace: string;
  readonly name: string;
}

export interface RenderedIpam {
  readonly config: Record<string, any>;
  readonly ranges: PlannedRange[];
  readonly providesDefaultRoute: boolean;
  readonly hasAddresses: boolean;
}

