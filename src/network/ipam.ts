import { IConstruct } from 'constructs';
import { PlannedRange, IpamContext, RenderedIpam } from './internal';
import { fail } from '../core/errors';
import { blockSize, contains, countRemaining, formatAddress, IpAddress, IpBlock, parseAddress, parseCidr } from '../core/ip';

/**
 * A route handed to attachments by IPAM.
 */
export interface IpRoute {
  /** Destination CIDR, e.g. `0.0.0.0/0` for a default route. */
  readonly destination: string;
  /**
   * Next hop.
   * @default - no gateway: the destination is on-link
   */
  readonly gateway?: string;
}

/**
 * One address range of a Whereabouts pool; several give a dual-stack network (`ipRanges`).
 */
export interface WhereaboutsRange {
  /** The range: a CIDR (`10.0.0.0/24`, `fd00::/64`) or `first-last/prefix` (`10.0.0.10-10.0.0.50/24`). */
  readonly range: string;
  /**
   * First address handed out.
   * @default - the first host address of the range
   */
  readonly rangeStart?: string;
  /**
   * Last address handed out.
   * @default - the last host address of the range
   */
  readonly rangeEnd?: string;
  /**
   * CIDRs never handed out (a single address is `a.b.c.d/32`).
   * @default - none besides the gateways, which are excluded automatically
   */
  readonly exclude?: string[];
}

/**
 * Whereabouts IPAM: cluster-wide address allocation for a secondary network.
 */
export interface WhereaboutsIpamProps {
  /**
   * The main range (single stack). Give either `range` or `ipRanges`, or both for a dual-stack network
   * whose first family is `range`.
   * @default - only `ipRanges`
   */
  readonly range?: string;
  /**
   * First address handed out from `range`.
   * @default - the first host address of `range`
   */
  readonly rangeStart?: string;
  /**
   * Last address handed out from `range`.
   * @default - the last host address of `range`
   */
  readonly rangeEnd?: string;
  /**
   * CIDRs of `range` never handed out.
   * @default - none besides the gateways, which are excluded automatically
   */
  readonly exclude?: string[];
  /**
   * Further ranges, for dual stack (one IPv4 and one IPv6 range).
   * @default - none
   */
  readonly ipRanges?: WhereaboutsRange[];
  /**
   * Gateway written into the attachment's IP configuration. Whereabouts does not keep it out of the pool
   * by itself; this library excludes it unless `excludeGateways` is false.
   * @default - no gateway
   */
  readonly gateway?: string;
  /**
   * Routes given to attachments.
   * @default - none
   */
  readonly routes?: IpRoute[];
  /**
   * Whether the gateway and every route next hop that falls inside a range are excluded from the pool.
   * Whereabouts never reads `gateway` when allocating, so without this it hands the router's address to a VM.
   * @default true
   */
  readonly excludeGateways?: boolean;
  /**
   * Whereabouts keeps one pool per range and `network_name`. Two networks with the same range and the same
   * (or no) network name share, and fight over, one pool.
   * @default - a name unique to the network: `<namespace>-<name>` of its NetworkAttachmentDefinition
   */
  readonly networkName?: string;
  /**
   * Leave `network_name` out, so the pool is keyed by the range alone (whereabouts' own default). Only for
   * reproducing an existing configuration; ranges are still checked for overlaps within the app.
   * @default false
   */
  readonly omitNetworkName?: boolean;
  /**
   * Whereabouts' cluster-wide check that overlapping ranges never hand out one address twice.
   * @default - not written (whereabouts defaults it to true)
   */
  readonly enableOverlappingRanges?: boolean;
}

/**
 * host-local IPAM: addresses from a per-node range. Every node hands out the same addresses, so on a
 * bridge that spans nodes two VMs can get the same address; use it only for node-local networks.
 */
export interface HostLocalIpamProps {
  /** Subnet CIDR. */
  readonly subnet: string;
  /**
   * First address handed out.
   * @default - the first host address of the subnet
   */
  readonly rangeStart?: string;
  /**
   * Last address handed out.
   * @default - the last host address of the subnet
   */
  readonly rangeEnd?: string;
  /**
   * Gateway (host-local never hands it out).
   * @default - the first address of the subnet
   */
  readonly gateway?: string;
  /**
   * Routes given to attachments.
   * @default - none
   */
  readonly routes?: IpRoute[];
}

/** One fixed address of static IPAM. */
export interface StaticAddress {
  /** Address with prefix length, e.g. `10.0.0.5/24`. */
  readonly address: string;
  /**
   * Gateway for this address.
   * @default - none
   */
  readonly gateway?: string;
}

/** Static IPAM: the same fixed addresses for every attachment (one VM per network). */
export interface StaticIpamProps {
  /** The addresses. */
  readonly addresses: StaticAddress[];
  /**
   * Routes.
   * @default - none
   */
  readonly routes?: IpRoute[];
}

const DEFAULT_ROUTE = new Set(['0.0.0.0/0', '::/0']);

/**
 * How attachments of a network get addresses. Choose with the static factories.
 */
export abstract class Ipam {
  /** Whereabouts: cluster-wide allocation without DHCP; what the talk uses for VM and storage networks. */
  public static whereabouts(props: WhereaboutsIpamProps): WhereaboutsIpam {
    return new WhereaboutsIpam(props);
  }

  /** host-local: per-node allocation (duplicates across nodes on a shared bridge). */
  public static hostLocal(props: HostLocalIpamProps): Ipam {
    return new HostLocalIpam(props);
  }

  /** Static addresses. */
  public static staticAddresses(props: StaticIpamProps): Ipam {
    return new StaticIpam(props);
  }

  /** DHCP from a server on the network (needs the CNI dhcp daemon on every node). */
  public static dhcp(): Ipam {
    return new SimpleIpam({ type: 'dhcp' }, true);
  }

  /**
   * No IPAM (`{}`): pure layer 2, addresses are set inside the guest (cloud-init). The KubeVirt-recommended
   * choice for bridge-bound VM networks.
   */
  public static none(): Ipam {
    return new SimpleIpam({}, false);
  }

  /** The CNI IPAM `type`, or undefined for `none`. */
  public abstract readonly ipamType?: string;

  /**
   * Validates the IPAM for the network in `context` and renders the CNI `ipam` object.
   * @internal
   */
  public abstract _render(context: IpamContext): RenderedIpam;
}

class SimpleIpam extends Ipam {
  public readonly ipamType?: string;
  constructor(private readonly config: Record<string, any>, private readonly dynamic: boolean) {
    super();
    this.ipamType = config.type;
  }
  /** @internal */
  public _render(): RenderedIpam {
    // DHCP may hand out a default route; the network cannot tell at synth time, so trust it.
    return { config: { ...this.config }, ranges: [], providesDefaultRoute: this.dynamic, hasAddresses: this.dynamic };
  }
}

function requireAddress(scope: IConstruct, field: string, value: string): IpAddress {
  const a = parseAddress(value);
  if (!a) fail(scope, field, value, 'must be an IPv4 or IPv6 address such as "10.0.0.1" or "fd00::1"');
  return a;
}

function requireCidr(scope: IConstruct, field: string, value: string): IpBlock {
  const r = parseCidr(value);
  if (!r.block) fail(scope, field, value, r.error!);
  return r.block;
}

interface RenderedRoutes {
  readonly routes?: any[];
  readonly nextHops: IpAddress[];
  readonly defaultRoute: boolean;
}

function renderRoutes(scope: IConstruct, field: string, routes: IpRoute[] | undefined): RenderedRoutes {
  const nextHops: IpAddress[] = [];
  let defaultRoute = false;
  if (!routes || routes.length === 0) return { nextHops, defaultRoute };
  const out = routes.map((route, i) => {
    const dst = requireCidr(scope, `${field}[${i}].destination`, route.destination);
    const entry: Record<string, string> = { dst: route.destination };
    if (route.gateway !== undefined) {
      const gw = requireAddress(scope, `${field}[${i}].gateway`, route.gateway);
      if (gw.family !== dst.family) {
        fail(scope, `${field}[${i}].gateway`, route.gateway, `must be of the same IP family as its destination ${JSON.stringify(route.destination)}`);
      }
      nextHops.push(gw);
      entry.gw = route.gateway;
    }
    if (DEFAULT_ROUTE.has(dst.cidr)) defaultRoute = true;
    return entry;
  });
  return { routes: out, nextHops, defaultRoute };
}

interface ParsedRange {
  readonly block: IpBlock;
  readonly first: bigint;
  readonly last: bigint;
  readonly excluded: Array<readonly [bigint, bigint]>;
  readonly exclude: string[];
}

/**
 * Whereabouts IPAM. Address math is checked at synth time: ranges, starts, ends, gateways and exclusions
 * must agree, the pool must not be empty, and the gateway is kept out of the pool.
 */
export class WhereaboutsIpam extends Ipam {
  public readonly ipamType?: string = 'whereabouts';

  constructor(private readonly props: WhereaboutsIpamProps) {
    super();
  }

  /** @internal */
  public _render(context: IpamContext): RenderedIpam {
    const { scope } = context;
    const p = this.props;
    const excludeGateways = p.excludeGateways ?? true;
    if (p.range === undefined && (!p.ipRanges || p.ipRanges.length === 0)) {
      fail(scope, 'ipam.range', p.range, 'is required: give `range` or at least one entry in `ipRanges`');
    }
    for (const [field, value] of [['rangeStart', p.rangeStart], ['rangeEnd', p.rangeEnd], ['exclude', p.exclude]] as const) {
      if (p.range === undefined && value !== undefined) {
        fail(scope, `ipam.${field}`, value, 'needs `range`; for `ipRanges` set it on the range entry');
      }
    }
    const gateway = p.gateway === undefined ? undefined : requireAddress(scope, 'ipam.gateway', p.gateway);
    const rendered = renderRoutes(scope, 'ipam.routes', p.routes);

    const entries: Array<{ field: string; spec: WhereaboutsRange }> = [];
    if (p.range !== undefined) {
      entries.push({ field: 'ipam', spec: { range: p.range, rangeStart: p.rangeStart, rangeEnd: p.rangeEnd, exclude: p.exclude } });
    }
    (p.ipRanges ?? []).forEach((spec, i) => entries.push({ field: `ipam.ipRanges[${i}]`, spec }));
    const parsed = entries.map(({ field, spec }) => parseRange(scope, field, spec));

    const families = parsed.map((r) => r.block.family);
    if (new Set(families).size !== families.length) {
      fail(scope, 'ipam.ipRanges', entries.map((e) => e.spec.range), 'must hold at most one range per IP family (dual stack is one IPv4 and one IPv6 range)');
    }

    if (gateway && !parsed.some((r) => contains(r.block, gateway))) {
      fail(scope, 'ipam.gateway', p.gateway, `must lie inside the range ${JSON.stringify(parsed.map((r) => r.block.cidr).join(', '))}`);
    }
    rendered.nextHops.forEach((hop) => {
      if (!parsed.some((r) => contains(r.block, hop))) {
        fail(scope, 'ipam.routes', hop.text, `is a next hop outside every range (${parsed.map((r) => r.block.cidr).join(', ')}); attachments could not reach it`);
      }
    });

    // Keep the gateway and in-range next hops out of the pool (whereabouts never does).
    const protectedHops = excludeGateways ? uniqueAddresses([...(gateway ? [gateway] : []), ...rendered.nextHops]) : [];
    const poolName = p.omitNetworkName ? '' : (p.networkName ?? `${context.namespace}-${context.name}`);
    if (p.omitNetworkName && p.networkName !== undefined) {
      fail(scope, 'ipam.networkName', p.networkName, 'cannot be combined with `omitNetworkName`');
    }
    if (p.networkName !== undefined && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(p.networkName)) {
      fail(scope, 'ipam.networkName', p.networkName, 'must be lower-case letters, digits, \'-\' and \'.\' (it becomes part of the IPPool object name)');
    }

    const ranges: PlannedRange[] = [];
    const renderedRanges = parsed.map((r, i) => {
      const extra = protectedHops.filter((hop) => contains(r.block, hop) && hop.value >= r.first && hop.value <= r.last
        && !r.excluded.some(([a, b]) => hop.value >= a && hop.value <= b));
      const exclude = [...r.exclude, ...extra.map((hop) => `${hop.text}/${hop.family === 4 ? 32 : 128}`)];
      const excluded = [...r.excluded, ...extra.map((hop) => [hop.value, hop.value] as const)];
      if (countRemaining(r.first, r.last, excluded) === 0n) {
        fail(scope, `${entries[i].field}.exclude`, exclude, `leaves no address to hand out in ${JSON.stringify(entries[i].spec.range)}`);
      }
      ranges.push({ block: r.block, first: r.first, last: r.last, poolName, excluded });
      const spec = entries[i].spec;
      return {
        range: spec.range,
        ...(spec.rangeStart !== undefined ? { range_start: spec.rangeStart } : {}),
        ...(spec.rangeEnd !== undefined ? { range_end: spec.rangeEnd } : {}),
        ...(exclude.length > 0 ? { exclude } : {}),
      };
    });

    const config: Record<string, any> = { type: 'whereabouts' };
    const [main, ...rest] = p.range !== undefined ? renderedRanges : [undefined, ...renderedRanges];
    if (main) Object.assign(config, main);
    if (rest.length > 0) config.ipRanges = rest;
    if (p.gateway !== undefined) config.gateway = p.gateway;
    if (rendered.routes) config.routes = rendered.routes;
    if (poolName !== '') config.network_name = poolName;
    if (p.enableOverlappingRanges !== undefined) config.enable_overlapping_ranges = p.enableOverlappingRanges;
    return { config, ranges, providesDefaultRoute: rendered.defaultRoute || gateway !== undefined, hasAddresses: true };
  }
}

function uniqueAddresses(addresses: IpAddress[]): IpAddress[] {
  const seen = new Set<string>();
  return addresses.filter((a) => (seen.has(a.text) ? false : (seen.add(a.text), true)));
}

/** Parses one whereabouts range with its start, end and exclusions. */
function parseRange(scope: IConstruct, field: string, spec: WhereaboutsRange): ParsedRange {
  let block: IpBlock;
  let first: bigint;
  let last: bigint;
  const dash = typeof spec.range === 'string' ? /^([^-/]+)-([^/]+)\/([0-9]+)$/.exec(spec.range) : null;
  if (dash) {
    // `first-last/prefix`: the CIDR is the prefix around `first` (whereabouts pkg/config).
    const a = requireAddress(scope, `${field}.range`, dash[1]);
    const b = requireAddress(scope, `${field}.range`, dash[2]);
    const bits = a.family === 4 ? 32 : 128;
    if (Number(dash[3]) > bits) fail(scope, `${field}.range`, spec.range, `must have a prefix length from 0 to ${bits}`);
    const size = 2n ** BigInt(bits - Number(dash[3]));
    const network = `${formatAddress(a.family, (a.value / size) * size)}/${dash[3]}`;
    block = requireCidr(scope, `${field}.range`, network);
    if (!contains(block, b) || b.value < a.value) {
      fail(scope, `${field}.range`, spec.range, `must end at an address from its start to the end of ${network}`);
    }
    first = a.value;
    last = b.value;
  } else {
    block = requireCidr(scope, `${field}.range`, spec.range);
    [first, last] = hostBounds(block);
  }
  if (spec.rangeStart !== undefined) {
    const s = requireAddress(scope, `${field}.rangeStart`, spec.rangeStart);
    if (!contains(block, s)) fail(scope, `${field}.rangeStart`, spec.rangeStart, `must lie inside the range ${JSON.stringify(block.cidr)}`);
    first = s.value;
  }
  if (spec.rangeEnd !== undefined) {
    const e = requireAddress(scope, `${field}.rangeEnd`, spec.rangeEnd);
    if (!contains(block, e)) fail(scope, `${field}.rangeEnd`, spec.rangeEnd, `must lie inside the range ${JSON.stringify(block.cidr)}`);
    last = e.value;
  }
  if (last < first) {
    fail(scope, `${field}.rangeEnd`, spec.rangeEnd ?? spec.range, `must not come before the start ${JSON.stringify(formatAddress(block.family, first))}`);
  }
  const excluded: Array<readonly [bigint, bigint]> = [];
  (spec.exclude ?? []).forEach((cidr, i) => {
    const x = requireCidr(scope, `${field}.exclude[${i}]`, cidr);
    if (x.family !== block.family || x.first < block.first || x.last > block.last) {
      // whereabouts silently ignores exclusions outside the range, which hides typos.
      fail(scope, `${field}.exclude[${i}]`, cidr, `must lie inside the range ${JSON.stringify(block.cidr)}`);
    }
    excluded.push([x.first, x.last]);
  });
  return { block, first, last, excluded, exclude: [...(spec.exclude ?? [])] };
}

/** The host addresses of a block: without the network and the last (broadcast) address, unless the block is tiny. */
function hostBounds(block: IpBlock): [bigint, bigint] {
  if (blockSize(block) <= 2n) return [block.first, block.last];
  return [block.first + 1n, block.last - 1n];
}

class HostLocalIpam extends Ipam {
  public readonly ipamType?: string = 'host-local';
  constructor(private readonly props: HostLocalIpamProps) {
    super();
  }
  /** @internal */
  public _render(context: IpamContext): RenderedIpam {
    const { scope } = context;
    const p = this.props;
    const block = requireCidr(scope, 'ipam.subnet', p.subnet);
    const range: Record<string, string> = { subnet: p.subnet };
    let [first, last] = hostBounds(block);
    for (const [field, value] of [['rangeStart', p.rangeStart], ['rangeEnd', p.rangeEnd], ['gateway', p.gateway]] as const) {
      if (value === undefined) continue;
      const a = requireAddress(scope, `ipam.${field}`, value);
      if (!contains(block, a)) fail(scope, `ipam.${field}`, value, `must lie inside the subnet ${JSON.stringify(block.cidr)}`);
      if (field === 'rangeStart') first = a.value;
      if (field === 'rangeEnd') last = a.value;
    }
    if (last < first) fail(scope, 'ipam.rangeEnd', p.rangeEnd, 'must not come before the range start');
    if (p.rangeStart !== undefined) range.rangeStart = p.rangeStart;
    if (p.rangeEnd !== undefined) range.rangeEnd = p.rangeEnd;
    if (p.gateway !== undefined) range.gateway = p.gateway;
    const rendered = renderRoutes(scope, 'ipam.routes', p.routes);
    const config: Record<string, any> = { type: 'host-local', ranges: [[range]] };
    if (rendered.routes) config.routes = rendered.routes;
    return {
      config,
      ranges: [{ block, first, last, poolName: `host-local:${context.namespace}/${context.name}` }],
      providesDefaultRoute: rendered.defaultRoute,
      hasAddresses: true,
    };
  }
}

class StaticIpam extends Ipam {
  public readonly ipamType?: string = 'static';
  constructor(private readonly props: StaticIpamProps) {
    super();
  }
  /** @internal */
  public _render(context: IpamContext): RenderedIpam {
    const { scope } = context;
    if (!this.props.addresses || this.props.addresses.length === 0) {
      fail(scope, 'ipam.addresses', this.props.addresses, 'must hold at least one address');
    }
    const ranges: PlannedRange[] = [];
    const addresses = this.props.addresses.map((a, i) => {
      const [ip, prefix] = typeof a.address === 'string' ? a.address.split('/') : [];
      const addr = parseAddress(ip);
      if (!addr || prefix === undefined || !/^[0-9]{1,3}$/.test(prefix) || Number(prefix) > (addr.family === 4 ? 32 : 128)) {
        fail(scope, `ipam.addresses[${i}].address`, a.address, 'must be an address with prefix length such as "10.0.0.5/24"');
      }
      if (a.gateway !== undefined) {
        const gw = requireAddress(scope, `ipam.addresses[${i}].gateway`, a.gateway);
        if (gw.family !== addr.family) fail(scope, `ipam.addresses[${i}].gateway`, a.gateway, 'must be of the same IP family as the address');
      }
      const block = requireCidr(scope, `ipam.addresses[${i}].address`, `${addr.text}/${addr.family === 4 ? 32 : 128}`);
      ranges.push({ block, first: addr.value, last: addr.value, poolName: `static:${context.namespace}/${context.name}` });
      return a.gateway !== undefined ? { address: a.address, gateway: a.gateway } : { address: a.address };
    });
    const rendered = renderRoutes(scope, 'ipam.routes', this.props.routes);
    const config: Record<string, any> = { type: 'static', addresses };
    if (rendered.routes) config.routes = rendered.routes;
    return { config, ranges, providesDefaultRoute: rendered.defaultRoute, hasAddresses: true };
  }
}
