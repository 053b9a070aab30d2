/**
 * The interfaces of a VM as the VM keeps them, their checks and their rendering.
 * Internal: not re-exported by index.ts.
 */
import { IConstruct } from 'constructs';
import { MasqueradeInterfaceOptions, PodNetwork, VmMultusNetwork, VmNetworkOptions } from './networking';
import { InterfaceBinding, NicModel } from './options';
import { checkBootOrder, checkInterfaceName, checkMac, checkPciAddress } from './rules';
import { check, checkEnum, fail } from '../core/errors';
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
}

/** The pod interface of `pod`, or undefined when the VM has no pod network. */
export function podNic(scope: IConstruct, pod: PodNetwork): Nic | undefined {
  if (!pod.binding) return undefined;
  const nic: Nic = { name: pod._options.name ?? 'default', binding: pod.binding, isDefault: false, options: pod._options, field: 'podNetwork' };
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
  const nic: Nic = {
    name: entry.name ?? network.name.replace(/\./g, '-'),
    binding,
    network,
    isDefault: entry.isDefault === true,
    options: entry,
    field,
  };
  check(binding !== InterfaceBinding.MASQUERADE, scope, `${field}.binding`, binding, 'must not be masquerade: masquerade binding works only on the pod network (use bridge)');
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
    macAddress: o.macAddress,
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
