/**
 * The guest's view of its NICs: which hand it an address and a default route, and the cloud-init network data
 * (version 2) that configures every NIC on first boot. Internal: not re-exported by index.ts.
 */
import { IConstruct } from 'constructs';
import * as YAML from 'yaml';
import { check, fail, problem } from '../core/errors';
import { IpAddress } from '../core/ip';

/** How the guest gets an address on a NIC. */
export enum GuestAddressing {
  /** From KubeVirt's DHCP server: the pod network, or a Multus network with IPAM and bridge binding. */
  DHCP = 'dhcp',
  /** Pinned by the VM (`staticAddresses`), written into the network data. */
  STATIC = 'static',
  /** Nothing hands one out (L2-only network, SR-IOV): the NIC is brought up without an address. */
  NONE = 'none',
}

/** A static route of a NIC, parsed. */
export interface GuestRoute {
  readonly destination: string;
  readonly gateway: string;
  readonly isDefault: boolean;
}

/** One NIC as the guest sees it. */
export interface GuestNic {
  /** The KubeVirt interface name; the key of the NIC's entry in the network data. */
  readonly name: string;
  /** `podNetwork` or `networks[i]`, for messages. */
  readonly field: string;
  readonly mac: string;
  readonly addressing: GuestAddressing;
  /** Whether the cluster side hands the guest a default route on this NIC (DHCP) or the VM pins one (static). */
  readonly handsDefaultRoute: boolean;
  /** The NIC's `defaultRoute` option. */
  readonly defaultRoute?: boolean;
  /** `address/prefix`, for STATIC. */
  readonly addresses: Array<{ readonly text: string; readonly address: IpAddress }>;
  readonly routes: GuestRoute[];
}

/** Resolvers for NICs with a static default route (the VM's custom DNS, if any). */
export interface GuestDns {
  readonly nameservers: string[];
  readonly searches?: string[];
}

/** Whether the guest takes a default route through `nic`. */
export function takesDefaultRoute(nic: GuestNic): boolean {
  return nic.handsDefaultRoute && nic.defaultRoute !== false;
}

/**
 * The problem of a guest with more than one default route (unless allowed): each default route the guest takes is
 * counted once per NIC (KubeVirt's DHCP on the pod network and on Multus networks whose IPAM routes 0.0.0.0/0 or
 * ::/0, and pinned default routes).
 */
export function defaultRouteProblem(nics: GuestNic[], allowMultiple: boolean): string | undefined {
  const routed = nics.filter(takesDefaultRoute);
  if (routed.length <= 1 || allowMultiple) return undefined;
  return problem('defaultRoute', routed.map((n) => n.name), `are NICs that each hand the guest a default route (${routed.map((n) => n.field).join(', ')}), `
    + 'and a guest with several default routes sends replies out of the wrong NIC; set defaultRoute: false on all but one of them '
    + '(the guest then ignores that NIC\'s DHCP routes), or set allowMultipleDefaultRoutes');
}

/** The generated network data: `version: 2` and one `ethernets` entry per NIC, matched by MAC. */
export function generateNetworkData(nics: GuestNic[], dns: GuestDns | undefined): Record<string, any> {
  const ethernets: Record<string, any> = {};
  for (const nic of nics) {
    const entry: Record<string, any> = { match: { macaddress: nic.mac } };
    switch (nic.addressing) {
      case GuestAddressing.DHCP:
        entry.dhcp4 = true;
        // netplan (and cloud-init's networkd renderer) drop every route the DHCP lease offers on this NIC.
        if (nic.defaultRoute === false) entry['dhcp4-overrides'] = { 'use-routes': false };
        break;
      case GuestAddressing.STATIC:
        entry.dhcp4 = false;
        entry.addresses = nic.addresses.map((a) => a.text);
        if (nic.routes.length > 0) entry.routes = nic.routes.map((r) => ({ to: r.destination, via: r.gateway }));
        if (dns && nic.routes.some((r) => r.isDefault)) {
          entry.nameservers = { addresses: [...dns.nameservers], ...(dns.searches?.length ? { search: [...dns.searches] } : {}) };
        }
        break;
      default:
        entry.dhcp4 = false;
    }
    ethernets[nic.name] = entry;
  }
  return { version: 2, ethernets };
}

/**
 * Parses user-given network data (YAML 1.1, as cloud-init reads it), unwrapping a top-level `network:` key;
 * only version 2 can be merged with the generated entries. Throws the library's error for `field` of `scope`.
 */
export function parseNetworkData(scope: IConstruct, field: string, text: string): Record<string, any> {
  let doc: any;
  try {
    doc = YAML.parse(text, { version: '1.1' });
  } catch (e) {
    fail(scope, field, '<network data>', `must be YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (doc && typeof doc === 'object' && !Array.isArray(doc) && doc.network && typeof doc.network === 'object' && Object.keys(doc).length === 1) {
    doc = doc.network;
  }
  check(isMapping(doc), scope, field, '<network data>', 'must be a YAML mapping (cloud-init network config)');
  check(doc.version === 2, scope, field, '<network data>', `must be network config version 2 to be merged with the generated NIC configuration (found version ${JSON.stringify(doc.version)}); `
    + 'write it as version 2, or set configureGuestNetwork: false and give the whole configuration');
  check(doc.ethernets === undefined || isMapping(doc.ethernets), scope, field, '<network data>', 'must have ethernets as a mapping of NIC entries');
  return doc;
}

/** A user entry that configures a generated NIC's MAC under another key. */
export interface NetworkDataConflict {
  readonly owner: string;
  readonly mac: string;
  readonly key: string;
}

/**
 * Merges user network data into the generated one: top-level keys of the user's (bonds, vlans, ...) are kept; an
 * `ethernets` entry under a NIC's name is merged into the generated entry (the user's fields win, lists are
 * replaced); other entries are added after the generated ones. Returns the merged data, or the user entry that
 * matches a generated NIC's MAC under another name (cloud-init would configure the NIC twice).
 */
export function mergeNetworkData(
  generated: Record<string, any>, user: Record<string, any>,
): { data?: Record<string, any>; conflict?: NetworkDataConflict } {
  const out: Record<string, any> = { ...user, version: 2 };
  const ethernets: Record<string, any> = {};
  const macs = new Map<string, string>();
  for (const [name, entry] of Object.entries(generated.ethernets as Record<string, any>)) {
    ethernets[name] = entry;
    macs.set(String(entry.match.macaddress).toLowerCase(), name);
  }
  for (const [name, entry] of Object.entries((user.ethernets ?? {}) as Record<string, any>)) {
    const mac = entry?.match?.macaddress;
    const owner = typeof mac === 'string' ? macs.get(mac.toLowerCase()) : undefined;
    if (owner !== undefined && owner !== name) return { conflict: { owner, mac, key: name } };
    ethernets[name] = name in ethernets ? deepMerge(ethernets[name], entry) : entry;
  }
  out.ethernets = ethernets;
  return { data: out };
}

function deepMerge(base: any, over: any): any {
  if (!isMapping(base) || !isMapping(over)) return over;
  const out: Record<string, any> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? deepMerge(base[k], v) : v;
  return out;
}

function isMapping(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Block-style YAML of a JSON value, deterministic and cheap (no serializer per VM): keys in insertion order, every
 * string double-quoted (JSON escapes are valid YAML, and quoting keeps MACs like 12:34:56:78:90:12 from being read
 * as YAML 1.1 sexagesimal numbers), numbers, booleans and null plain.
 */
export function toYaml(value: unknown): string {
  const lines: string[] = [];
  emit(value, 0, lines);
  return lines.join('\n') + '\n';
}

function scalar(v: unknown): string | undefined {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.length === 0) return '[]';
  if (isMapping(v) && Object.keys(v).length === 0) return '{}';
  return undefined;
}

function key(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k) && !/^(y|n|yes|no|true|false|on|off|null|~)$/i.test(k) ? k : JSON.stringify(k);
}

function emit(value: unknown, indent: number, lines: string[]): void {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    for (const item of value) {
      const s = scalar(item);
      if (s !== undefined) {
        lines.push(`${pad}- ${s}`);
      } else {
        const sub: string[] = [];
        emit(item, indent + 2, sub);
        lines.push(`${pad}- ${sub[0].slice(indent + 2)}`, ...sub.slice(1));
      }
    }
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const s = scalar(v);
    if (s !== undefined) {
      lines.push(`${pad}${key(k)}: ${s}`);
    } else {
      lines.push(`${pad}${key(k)}:`);
      emit(v, indent + 2, lines);
    }
  }
}
