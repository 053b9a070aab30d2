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
  /** Intervals of [first, last] the pool never hands out (whereabouts `exclude`, gateways included). */
  readonly excluded?: ReadonlyArray<readonly [bigint, bigint]>;
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

