/**
 * The interfaces of a VM as the VM keeps them, their checks and their rendering.
 * Internal: not re-exported by index.ts.
 */
import { IConstruct } from 'constructs';
import { GuestAddressing, GuestNic, GuestRoute } from './guest-network';
import { MasqueradeInterfaceOptions, PodNetwork, VmMultusNetwork, VmNetworkOptions } from './networking';
import { InterfaceBinding, NicModel } from './options';
import { checkBootOrder, checkInterfaceName, checkMac, checkPciAddress } from './rules';
import { check, checkEnum, fail } from '../core/errors';
import { contains, formatAddress, IpAddress, IpBlock, parseAddress, parseCidr } from '../core/ip';
import {
  VirtualMachineSpecTemplateSpecDomainDevicesInterfaces,
  VirtualMachineSpecTemplateSpecNetworks,
} from '../imports/kubevirt.io';
import { AttachmentKind, INetworkAttachment } from '../network/attachment';

/** One interface and its network, as the VM keeps them. */
export interface Nic {
  readonly name: string;
  readonly binding: InterfaceBinding;
  /** The Multus network; undefined on the pod network. */
  readonly network?: INetworkAttachment;
  readonly isDefault: boolean;
  readonly options: MasqueradeInterfaceOptions & VmNetworkOptions;
  /** Where the interface came from, for messages: `podNetwork` or `networks[i]`. */
  readonly field: string;
  /** The MAC written to the interface; undefined when KubeMacPool chooses it. */
  readonly mac?: string;
  /** Pinned addresses (`staticAddresses`), parsed. */
  readonly staticAddresses: Array<{ readonly text: string; readonly address: IpAddress; readonly subnet: IpBlock }>;
  /** Routes of the pinned addresses (`staticRoutes`), parsed. */
  readonly staticRoutes: GuestRoute[];
}

/** One shared empty list for the NICs without pinned addresses or routes (most of them). */
const NONE: never[] = [];

/** The pod interface of `pod`, or undefined when the VM has no pod network. */
export function podNic(scope: IConstruct, pod: PodNetwork): Nic | undefined {
  if (!pod.binding) return undefined;
  const nic: Nic = {
    name: pod._options.name ?? 'default',
    binding: pod.binding,
    isDefault: false,
    options: pod._options,
    field: 'podNetwork',
    staticAddresses: [],
    staticRoutes: [],
  };
  checkNic(scope, nic);
  return nic;
}

/** The interface of a Multus network; checks what concerns the interface alone. */
export function multusNic(scope: IConstruct, entry: VmMultusNetwork, field: string): Nic {
  const network = entry.network;
  if (!network || typeof network.namespace !== 'string' || typeof network.name !== 'string') {
    fail(scope, `${field}.network`, network === undefined ? undefined : String(network), 'must be a NetworkAttachmentDefinition (a BridgeNetwork or another INetworkAttachment)');
  }
  const sriov = network.attachmentKind === AttachmentKind.SRIOV;
  const binding = entry.binding ?? (sriov ? InterfaceBinding.SRIOV : InterfaceBinding.BRIDGE);
  const staticAddresses = parseStaticAddresses(scope, field, entry.staticAddresses);
  const nic: Nic = {
    name: entry.name ?? network.name.replace(/\./g, '-'),
    binding,
    network,
    isDefault: entry.isDefault === true,
    options: entry,
    field,
    staticAddresses,
    staticRoutes: parseStaticRoutes(scope, field, entry.staticRoutes, staticAddresses),
  };
  check(binding !== InterfaceBinding.MASQUERADE, scope, `${field}.binding`, binding, 'must not be masquerade: masquerade binding works only on the pod network (use bridge)');
  // KubeVirt's bridge binding bridges the guest's MAC behind the pod interface; a macvlan interface receives frames
  // for its own MAC only, and the built-in bindings that could serve macvlan (macvtap) were removed in KubeVirt v1.3.
  check(network.attachmentKind !== AttachmentKind.MACVLAN, scope, `${field}.network`, `${network.namespace}/${network.name}`,
    'is a macvlan network, which KubeVirt\'s bridge binding does not work with (a macvlan interface drops frames for the guest\'s MAC) '
    + 'and no built-in binding serves; attach the VM to a BridgeNetwork on the same segment instead (a MacvlanNetwork with shareSegmentWith keeps one segment and pool)');
  if (staticAddresses.length > 0 && binding === InterfaceBinding.BRIDGE) {
    check(!network.assignsAddresses, scope, `${field}.staticAddresses`, entry.staticAddresses,
      `cannot be pinned on ${network.namespace}/${network.name}: its IPAM assigns the NIC an address, which KubeVirt hands the guest by DHCP, `
      + 'and whereabouts cannot be asked for a given address; pin it on an L2-only network of the same segment '
      + '(e.g. new BridgeNetwork(..., { shareSegmentWith, ipam: Ipam.none() })) and exclude it from the pool');
  }
  if (sriov) {
    check(binding === InterfaceBinding.SRIOV, scope, `${field}.binding`, binding, `must be sriov: ${network.namespace}/${network.name} is an SR-IOV network, whose virtual function cannot be bridged`);
  } else {
    check(binding !== InterfaceBinding.SRIOV, scope, `${field}.binding`, binding, `must not be sriov: ${network.namespace}/${network.name} is not an SR-IOV network`);
  }
  if (!nic.isDefault) {
    for (const key of ['acknowledgeNoRouteOut', 'acknowledgeNoDns'] as const) {
      check(entry[key] === undefined, scope, `${field}.${key}`, entry[key], 'only applies to the default network (isDefault: true)');
    }
  }
  checkNic(scope, nic);
  return nic;
}

/** `address/prefix` entries: a host address (not the subnet's network or IPv4 broadcast address) and its prefix. */
function parseStaticAddresses(scope: IConstruct, field: string, values: string[] | undefined): Nic['staticAddresses'] {
  if (values === undefined) return NONE;
  check(Array.isArray(values) && values.length > 0, scope, `${field}.staticAddresses`, values, 'must list at least one address such as "10.0.0.5/24"');
  return values.map((text, i) => {
    const f = `${field}.staticAddresses[${i}]`;
    const [ip, prefix, extra] = typeof text === 'string' ? text.split('/') : [];
    const address = parseAddress(ip);
    const bits = address?.family === 6 ? 128 : 32;
    if (!address || prefix === undefined || extra !== undefined || !/^[0-9]{1,3}$/.test(prefix) || Number(prefix) > bits) {
      fail(scope, f, text, 'must be an address with its prefix length, such as "10.0.0.5/24" or "fd00::5/64"');
    }
    const size = 2n ** BigInt(bits - Number(prefix));
    const first = (address.value / size) * size;
    const subnet = parseCidr(`${formatAddress(address.family, first)}/${prefix}`).block!;
    if (size > 2n) {
      check(address.value !== first && (address.family === 6 || address.value !== first + size - 1n), scope, f, text,
        'must be a host address, not the network or broadcast address of its subnet');
    }
    return { text, address, subnet };
  });
}

/** Routes of pinned addresses: a CIDR destination through a gateway inside one of the addresses' subnets. */
function parseStaticRoutes(scope: IConstruct, field: string, routes: VmNetworkOptions['staticRoutes'], addresses: Nic['staticAddresses']): GuestRoute[] {
  if (routes === undefined) return NONE;
  check(addresses.length > 0, scope, `${field}.staticRoutes`, routes.map((r) => r.destination), 'only apply with staticAddresses');
  return routes.map((route, i) => {
    const f = `${field}.staticRoutes[${i}]`;
    const dst = parseCidr(route.destination);
    if (!dst.block) fail(scope, `${f}.destination`, route.destination, dst.error!);
    const gw = route.gateway === undefined ? undefined : parseAddress(route.gateway);
    if (!gw || gw.family !== dst.block.family || !addresses.some((a) => contains(a.subnet, gw))) {
      fail(scope, `${f}.gateway`, route.gateway,
        'must be an address of the destination\'s family inside the subnet of one of the staticAddresses (the guest reaches its next hop on-link)');
    }
    return { destination: dst.block.cidr, gateway: gw.text, isDefault: dst.block.prefix === 0 };
  });
}

/**
 * How the guest sees a NIC: KubeVirt's DHCP hands an address (and the IPAM's routes) on the pod network and on a
 * bridge-bound Multus network whose IPAM assigns one (kubevirt v1.9.0 pkg/network/setup/netpod/discoverbridge.go
 * copies the pod interface's address and routes into the DHCP lease, pkg/network/dhcp); pinned addresses are
 * static; anything else (L2-only, SR-IOV) gets nothing from the cluster.
 */
export function guestNicOf(nic: Nic): GuestNic {
  const common = { name: nic.name, field: nic.field, mac: nic.mac!, defaultRoute: nic.options.defaultRoute };
  if (nic.staticAddresses.length > 0) {
    return {
      ...common,
      addressing: GuestAddressing.STATIC,
      handsDefaultRoute: nic.staticRoutes.some((r) => r.isDefault),
      addresses: nic.staticAddresses.map((a) => ({ text: a.text, address: a.address })),
      routes: nic.staticRoutes,
    };
  }
  const dhcp = !nic.network || (nic.binding === InterfaceBinding.BRIDGE && nic.network.assignsAddresses);
  return {
    ...common,
    addressing: dhcp ? GuestAddressing.DHCP : GuestAddressing.NONE,
    handsDefaultRoute: !nic.network || (dhcp && nic.network.providesDefaultRoute),
    addresses: [],
    routes: [],
  };
}

function checkNic(scope: IConstruct, nic: Nic): void {
  const f = nic.field;
  const o = nic.options;
  checkInterfaceName(scope, `${f}.name`, nic.name);
  if (o.macAddress !== undefined) checkMac(scope, `${f}.macAddress`, o.macAddress, nic.binding === InterfaceBinding.MASQUERADE);
  if (o.model !== undefined) {
    checkEnum(scope, `${f}.model`, o.model, NicModel as Record<string, NicModel>, 'NicModel');
    check(nic.binding !== InterfaceBinding.SRIOV, scope, `${f}.model`, o.model, 'does not apply to SR-IOV: the guest sees the virtual function itself');
  }
  if (o.pciAddress !== undefined) checkPciAddress(scope, `${f}.pciAddress`, o.pciAddress);
  checkBootOrder(scope, `${f}.bootOrder`, o.bootOrder);
  if (o.ports !== undefined) {
    const names = new Set<string>();
    o.ports.forEach((p, i) => {
      p._check(scope, `${f}.ports[${i}]`);
      if (p.name === undefined) return;
      check(!names.has(p.name), scope, `${f}.ports[${i}].name`, p.name, 'is used by another port of the interface; port names must be unique');
      names.add(p.name);
    });
  }
}

export interface RenderedNic {
  readonly iface: VirtualMachineSpecTemplateSpecDomainDevicesInterfaces;
  readonly network: VirtualMachineSpecTemplateSpecNetworks;
}

/** The interface and network entries of a NIC, as KubeVirt wants them (paired by name). */
export function renderNic(nic: Nic): RenderedNic {
  const o = nic.options;
  const iface: VirtualMachineSpecTemplateSpecDomainDevicesInterfaces = {
    name: nic.name,
    masquerade: nic.binding === InterfaceBinding.MASQUERADE ? {} : undefined,
    bridge: nic.binding === InterfaceBinding.BRIDGE ? {} : undefined,
    sriov: nic.binding === InterfaceBinding.SRIOV ? {} : undefined,
    macAddress: nic.mac,
    model: o.model,
    pciAddress: o.pciAddress,
    bootOrder: o.bootOrder,
    ports: o.ports?.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
  };
  const network: VirtualMachineSpecTemplateSpecNetworks = nic.network
    ? {
      name: nic.name,
      // Always namespace/name: a bare name would resolve in the VM's namespace, not the network's.
      multus: { networkName: `${nic.network.namespace}/${nic.network.name}`, default: nic.isDefault ? true : undefined },
    }
    : { name: nic.name, pod: {} };
  return { iface, network };
}
