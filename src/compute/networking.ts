import { IConstruct } from 'constructs';
import { InterfaceBinding, NicModel } from './options';
import { checkPortName, checkPortNumber } from './rules';
import { check } from '../core/errors';
import { parseAddress } from '../core/ip';
import { isDns1123Subdomain } from '../core/names';
import { VirtualMachineSpecTemplateSpecDnsConfig } from '../imports/kubevirt.io';
import { INetworkAttachment } from '../network/attachment';
import { IpRoute } from '../network/ipam';

/**
 * A port forwarded to the VM (masquerade binding) or exposed by its Service.
 */
export class VmPort {
  /** A TCP port. */
  public static tcp(port: number, name?: string): VmPort {
    return new VmPort(port, 'TCP', name);
  }

  /** A UDP port. */
  public static udp(port: number, name?: string): VmPort {
    return new VmPort(port, 'UDP', name);
  }

  /** SSH: TCP port 22 named `ssh`. */
  public static ssh(): VmPort {
    return new VmPort(22, 'TCP', 'ssh');
  }

  /** Port number (1-65535). */
  public readonly port: number;
  /** `TCP` or `UDP`. */
  public readonly protocol: string;
  /** Name (an IANA service name). */
  public readonly name?: string;

  private constructor(port: number, protocol: string, name: string | undefined) {
    this.port = port;
    this.protocol = protocol;
    this.name = name;
  }

  /** @internal */
  public _check(scope: IConstruct, field: string): void {
    checkPortNumber(scope, `${field}.port`, this.port);
    if (this.name !== undefined) checkPortName(scope, `${field}.name`, this.name);
  }
}

/**
 * Settings of one VM interface.
 */
export interface VmInterfaceOptions {
  /**
   * Name of the interface and of its network (letters, digits, '-' and '_').
   * @default - `default` on the pod network; the NetworkAttachmentDefinition's name on a Multus network
   */
  readonly name?: string;
  /**
   * MAC address of the guest NIC (six bytes, unicast, not all-zero; not `02:00:00:00:00:00` on masquerade). Unique
   * on the NIC's layer-2 segment across the app.
   * @default - from the VM's `macAddresses` source: derived from namespace, VM and NIC name, stable across syntheses
   */
  readonly macAddress?: string;
  /**
   * Emulated NIC model.
   * @default - virtio (KubeVirt's default)
   */
  readonly model?: NicModel;
  /**
   * PCI address of the guest NIC, e.g. `0000:81:01.0`.
   * @default - chosen by KubeVirt
   */
  readonly pciAddress?: string;
  /**
   * Boot from this NIC (PXE) at this position; unique among the VM's disks and NICs.
   * @default - not bootable
   */
  readonly bootOrder?: number;
  /**
   * Whether the guest takes the default route this NIC's DHCP lease hands it. A guest has one default route unless
   * the VM allows more (`allowMultipleDefaultRoutes`): with two NICs that each hand one (the pod network and a
   * Multus network whose IPAM routes 0.0.0.0/0), set false on all but one. False writes `dhcp4-overrides:
   * {use-routes: false}` into the generated network data, so the guest ignores every route of that lease (netplan
   * and cloud-init's networkd renderer honour it). Only on NICs configured by DHCP, and only with generated network
   * data.
   * @default - the guest takes the default route if the NIC hands one
   */
  readonly defaultRoute?: boolean;
}

/**
 * Settings of the pod network's interface with masquerade binding.
 */
export interface MasqueradeInterfaceOptions extends VmInterfaceOptions {
  /**
   * Forward only these ports to the guest.
   * @default - every port is forwarded
   */
  readonly ports?: VmPort[];
}

/**
 * How the VM attaches to the Kubernetes pod network.
 */
export class PodNetwork {
  /** The pod network behind NAT (masquerade binding): the safe default, live-migratable. */
  public static masquerade(options: MasqueradeInterfaceOptions = {}): PodNetwork {
    return new PodNetwork(InterfaceBinding.MASQUERADE, options);
  }

  /**
   * The pod network with bridge binding: the guest owns the pod's address. An explicit opt-in, because
   * clusters that set `permitBridgeInterfaceOnPodNetwork: false` refuse it and it blocks live migration.
   */
  public static bridge(options: VmInterfaceOptions = {}): PodNetwork {
    return new PodNetwork(InterfaceBinding.BRIDGE, options);
  }

  /** No pod network: the VM has only Multus networks (one of them may be its default network). */
  public static none(): PodNetwork {
    return new PodNetwork(undefined, {});
  }

  /** Binding of the pod interface; undefined when the VM has no pod network. */
  public readonly binding?: InterfaceBinding;
  /** @internal */
  public readonly _options: MasqueradeInterfaceOptions;

  private constructor(binding: InterfaceBinding | undefined, options: MasqueradeInterfaceOptions) {
    this.binding = binding;
    this._options = options;
  }

  /** Whether the VM is on the pod network. */
  public get attached(): boolean {
    return this.binding !== undefined;
  }
}

/**
 * Settings of a VM's interface on a Multus network.
 */
export interface VmNetworkOptions extends VmInterfaceOptions {
  /**
   * Binding of the interface.
   * @default - `SRIOV` on an SR-IOV network, else `BRIDGE`
   */
  readonly binding?: InterfaceBinding;
  /**
   * Make this network the VM's default network in place of the pod network (Multus `default: true`):
   * full isolation from the Kubernetes pod network. The VM then has no pod network.
   * @default false
   */
  readonly isDefault?: boolean;
  /**
   * Addresses pinned on the guest NIC, each `address/prefix` (e.g. `10.0.0.5/24`), written into the generated
   * network data. Only where nothing else hands the NIC an address: an L2-only network (`Ipam.none()`) or an SR-IOV
   * network; on a network whose IPAM assigns addresses KubeVirt hands the guest the IPAM's address by DHCP, and
   * whereabouts cannot be asked for a given one. Each address is reserved app-wide on the network's layer-2
   * segment: another VM pinning it, or an IPAM pool on the same segment that could hand it out (exclude it there),
   * is an error.
   * @default - no pinned address
   */
  readonly staticAddresses?: string[];
  /**
   * Routes of a NIC with `staticAddresses`, each through a gateway inside one of them; a route to `0.0.0.0/0` or
   * `::/0` is the guest's default route through this NIC (with the VM's custom DNS servers, if any).
   * @default - only the pinned addresses' own subnets
   */
  readonly staticRoutes?: IpRoute[];
  /**
   * Accept a default network that gives no default route: the VM reaches only its own segment.
   * @default false - a default network without a route out is an error
   */
  readonly acknowledgeNoRouteOut?: boolean;
  /**
   * Accept a default network without DNS settings on the VM (`dns`): cluster DNS is not reachable without
   * the pod network, so the guest gets no working resolver from the pod.
   * @default false - a default network without `dns` is an error
   */
  readonly acknowledgeNoDns?: boolean;
}

/**
 * A Multus network a VM attaches to, with the settings of its interface.
 */
export interface VmMultusNetwork extends VmNetworkOptions {
  /** The NetworkAttachmentDefinition: a `BridgeNetwork`, or any other `INetworkAttachment`. */
  readonly network: INetworkAttachment;
}

/**
 * A DNS resolver option (`options` of resolv.conf).
 */
export interface VmDnsOption {
  /** Option name, e.g. `ndots`. */
  readonly name: string;
  /**
   * Option value.
   * @default - a flag without value
   */
  readonly value?: string;
}

/**
 * Resolver settings of a VM that does not use cluster DNS.
 */
export interface VmDnsConfig {
  /** Name servers (1 to 3 IP addresses). */
  readonly nameservers: string[];
  /**
   * Search domains (at most 6, 256 characters in all: KubeVirt's admission still applies the old pod limits to
   * VMs, although pods have allowed 32 domains and 2048 characters since Kubernetes 1.28).
   * @default - none
   */
  readonly searches?: string[];
  /**
   * Resolver options.
   * @default - none
   */
  readonly options?: VmDnsOption[];
}

/**
 * The DNS settings the VM's pod gets, which KubeVirt's DHCP server hands to the guest.
 */
export class VmDns {
  /** Cluster DNS (`ClusterFirst`); reachable only over the pod network. */
  public static clusterFirst(): VmDns {
    return new VmDns('ClusterFirst', undefined);
  }

  /** The node's resolvers (`Default`). */
  public static node(): VmDns {
    return new VmDns('Default', undefined);
  }

  /** Only the given resolvers (`None` with `dnsConfig`): what a VM on an isolated default network needs. */
  public static custom(config: VmDnsConfig): VmDns {
    return new VmDns('None', config);
  }

  /** The pod's `dnsPolicy`. */
  public readonly policy: string;
  /** The pod's `dnsConfig`; only with `custom`. */
  public readonly config?: VmDnsConfig;

  private constructor(policy: string, config: VmDnsConfig | undefined) {
    this.policy = policy;
    this.config = config;
  }

  /**
   * Checks the resolver settings (kubevirt vmi-create-admitter.go validatePodDNSConfig, a copy of the
   * Kubernetes pod rules) and renders them. `field` names the settings in errors (`dns`, or e.g.
   * `workers[0].dns` where a Gardener worker pool carries them to its node VMs).
   * @internal
   */
  public _render(scope: IConstruct, field: string = 'dns'): { dnsPolicy: string; dnsConfig?: VirtualMachineSpecTemplateSpecDnsConfig } {
    const c = this.config;
    if (!c) return { dnsPolicy: this.policy };
    const nameservers = c.nameservers ?? [];
    check(nameservers.length >= 1 && nameservers.length <= 3, scope, `${field}.nameservers`, nameservers, 'must list 1 to 3 name servers');
    nameservers.forEach((ns, i) => check(parseAddress(ns) !== undefined, scope, `${field}.nameservers[${i}]`, ns, 'must be an IPv4 or IPv6 address'));
    const searches = c.searches ?? [];
    // Pods take 32 search domains and 2048 characters since Kubernetes 1.28, but KubeVirt's VM admission keeps
    // its own copy of the old limits (kubevirt v1.9.0 vmi-create-admitter.go maxDNSSearchPaths = 6,
    // maxDNSSearchListChars = 256), and every VM this library writes (directly, through a Gardener worker pool
    // or a CAPK machine template) passes that admission.
    check(searches.length <= 6, scope, `${field}.searches`, searches,
      'must list at most 6 search domains: KubeVirt v1.9 still refuses more on a VM (the pod limit of 32 does not apply to VMs)');
    searches.forEach((s, i) => check(isDns1123Subdomain(s), scope, `${field}.searches[${i}]`, s, 'must be a DNS-1123 subdomain'));
    check(searches.join(' ').length <= 256, scope, `${field}.searches`, searches,
      'must have at most 256 characters in all (with a space between domains): KubeVirt v1.9 still applies the old pod limit to VMs');
    (c.options ?? []).forEach((o, i) => check(typeof o.name === 'string' && o.name.length > 0, scope, `${field}.options[${i}].name`, o.name, 'must not be empty'));
    return {
      dnsPolicy: this.policy,
      dnsConfig: {
        nameservers: [...nameservers],
        searches: c.searches ? [...c.searches] : undefined,
        options: c.options?.map((o) => ({ name: o.name, value: o.value })),
      },
    };
  }
}
