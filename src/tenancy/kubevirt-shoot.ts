import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { check, fail } from '../core/errors';
import { parseCidr } from '../core/ip';
import { requireDns1123Label } from '../core/names';
import { metadata, setSyncWave, SyncWaves } from '../core/objects';
import { parseBytes } from '../core/quantity';
import { Shoot } from '../imports/core.gardener.cloud';
import { INetworkAttachment } from '../network/attachment';
import { BridgeNetworkProps, bridgeAttachmentSpec } from '../network/bridge-network';
import { renderAttachment } from '../network/nad';

/** API version of the KubeVirt provider's configuration objects. */
export const KUBEVIRT_PROVIDER_API = 'kubevirt.provider.extensions.gardener.cloud/v1alpha1';

/**
 * A tenant network of a shoot: the provider creates it as a NetworkAttachmentDefinition
 * `<technical namespace>-<name>` in the hosting cluster.
 */
export interface ShootTenantNetworkProps {
  /** Name of the network (unique within the shoot). */
  readonly name: string;
  /** The bridge network settings (bridge, VLAN, MTU, IPAM, ...); `name` and `namespace` are set by the provider. */
  readonly network: BridgeNetworkProps;
  /**
   * Whether this is the shoot's default network, replacing the node VMs' pod network (at most one).
   * @default false
   */
  readonly isDefault?: boolean;
}

/**
 * A data disk of a worker node.
 */
export interface ShootDataVolume {
  /** Name of the disk. */
  readonly name: string;
  /** Size, e.g. `50Gi`. */
  readonly size: string;
  /**
   * Storage class.
   * @default - the worker's volume type
   */
  readonly storageClass?: string;
}

/**
 * A worker pool of KubeVirt VMs.
 */
export interface ShootWorkerProps {
  /** Name of the pool (DNS-1123 label). */
  readonly name: string;
  /** Machine type of the CloudProfile (CPU and memory of the node VMs). */
  readonly machineType: string;
  /** Machine image name of the CloudProfile, e.g. `ubuntu`. */
  readonly machineImageName: string;
  /** Machine image version of the CloudProfile. */
  readonly machineImageVersion: string;
  /** Minimum number of nodes. */
  readonly minimum: number;
  /** Maximum number of nodes. */
  readonly maximum: number;
  /** Zones of the hosting cluster the nodes run in (at least one). */
  readonly zones: string[];
  /** Size of the root disk, e.g. `30Gi`. */
  readonly volumeSize: string;
  /**
   * Storage class of the root disk (the worker's `volume.type`); the provider clones each node's root disk
   * from an image imported once into this class.
   * @default - the hosting cluster's default storage class
   */
  readonly volumeType?: string;
  /**
   * Extra data disks of every node.
   * @default - none
   */
  readonly dataVolumes?: ShootDataVolume[];
  /**
   * Dedicated CPUs for the node VMs (KubeVirt `dedicatedCpuPlacement`).
   * @default false
   */
  readonly dedicatedCpuPlacement?: boolean;
  /**
   * CPU model of the node VMs, e.g. `host-passthrough`.
   * @default - KubeVirt's default
   */
  readonly cpuModel?: string;
  /**
   * Hugepage size backing the node VMs' memory (`2Mi` or `1Gi`).
   * @default - no hugepages
   */
  readonly hugepageSize?: string;
  /**
   * Multiqueue virtio NICs.
   * @default false
   */
  readonly networkInterfaceMultiqueue?: boolean;
  /**
   * Multiqueue virtio block devices.
   * @default false
   */
  readonly blockMultiQueue?: boolean;
  /**
   * Import the image per VM instead of cloning a pre-allocated one (the talk's slow "ad hoc" way).
   * @default false - pre-allocated data volumes: import once per machine class, clone per node
   */
  readonly disablePreAllocatedDataVolumes?: boolean;
}

/**
 * A Gardener shoot cluster whose nodes are KubeVirt VMs.
 */
export interface KubeVirtShootProps {
  /** Name of the shoot. */
  readonly name: string;
  /** The garden project namespace, e.g. `garden-dev`. */
  readonly namespace: string;
  /** Region of the CloudProfile. */
  readonly region: string;
  /** Name of the KubeVirt CloudProfile. */
  readonly cloudProfileName: string;
  /** Name of the SecretBinding holding the hosting cluster's kubeconfig. */
  readonly secretBindingName: string;
  /** Kubernetes version of the shoot. */
  readonly kubernetesVersion: string;
  /**
   * Shared networks of the hosting cluster the nodes attach to (e.g. the storage network `rook-ceph/ceph`).
   * @default - none
   */
  readonly sharedNetworks?: INetworkAttachment[];
  /**
   * The shoot's own networks.
   * @default - none: nodes use the hosting cluster's pod network
   */
  readonly tenantNetworks?: ShootTenantNetworkProps[];
  /**
   * Worker pools.
   * @default - none
   */
  readonly workers?: ShootWorkerProps[];
  /**
   * Networking type of the shoot.
   * @default 'calico'
   */
  readonly networkingType?: string;
  /**
   * Pod CIDR of the shoot.
   * @default - Gardener's default
   */
  readonly podsCidr?: string;
  /**
   * Service CIDR of the shoot.
   * @default - Gardener's default
   */
  readonly servicesCidr?: string;
  /**
   * The Gardener project name, which names the shoot's technical namespace `shoot--<project>--<name>`.
   * @default - the namespace without its `garden-` prefix
   */
  readonly projectName?: string;
}

/**
 * A Gardener `Shoot` on the KubeVirt provider: its `infrastructureConfig` declares the shared networks it
 * attaches to and its own tenant networks (one the default), validated as the provider validated it; its
 * worker pools get a `WorkerConfig`. Tenant networks take part in the app-wide network plan, so two shoots
 * never share a VLAN or a range, while shared networks are reachable from all.
 */
export class KubeVirtShoot extends Construct {
  /** The Shoot. */
  public readonly apiObject: ApiObject;
  /** The provider's InfrastructureConfig. */
  public readonly infrastructureConfig: { [key: string]: any };
  /** The shoot's technical namespace in the seed, `shoot--<project>--<name>`. */
  public readonly technicalNamespace: string;
  /** The CNI configuration of each tenant network, by name. */
  public readonly tenantNetworkConfigs: { [name: string]: string };

  constructor(scope: Construct, id: string, props: KubeVirtShootProps) {
    super(scope, id);
    requireDns1123Label(this, 'name', props.name);
    requireDns1123Label(this, 'namespace', props.namespace);
    const project = props.projectName ?? props.namespace.replace(/^garden-/, '');
    requireDns1123Label(this, 'projectName', project);
    this.technicalNamespace = `shoot--${project}--${props.name}`;

    const shared = (props.sharedNetworks ?? []).map((n) => ({ name: n.name, namespace: n.namespace }));
    const seen = new Set<string>();
    shared.forEach((n, i) => {
      const key = `${n.namespace}/${n.name}`;
      check(!seen.has(key), this, `sharedNetworks[${i}]`, key, 'is listed twice; each shared network once');
      seen.add(key);
    });

    const tenants = props.tenantNetworks ?? [];
    const names = new Set<string>();
    this.tenantNetworkConfigs = {};
    let defaultRange: string | undefined;
    const tenantNetworks = tenants.map((t, i) => {
      const field = `tenantNetworks[${i}]`;
      requireDns1123Label(this, `${field}.name`, t.name);
      check(!names.has(t.name), this, `${field}.name`, t.name, 'is used by another tenant network of this shoot; names are unique');
      names.add(t.name);
      if (t.network.name !== undefined || t.network.namespace !== undefined || t.network.shareSegmentWith !== undefined) {
        fail(this, `${field}.network`, { name: t.network.name, namespace: t.network.namespace }, 'must not set name, namespace or shareSegmentWith: the provider names the NetworkAttachmentDefinition');
      }
      // The network takes part in the app-wide plan; its config keeps the tenant network's own name (the
      // provider copies it verbatim into the NAD it creates), and its Whereabouts pool is keyed by the
      // technical namespace so two shoots' networks never share a pool.
      const scopeOfNetwork = new Construct(this, `TenantNetwork-${t.name}`);
      const { spec } = bridgeAttachmentSpec(scopeOfNetwork, t.network);
      const rendered = renderAttachment(scopeOfNetwork, spec, { name: t.name, namespace: this.technicalNamespace });
      this.tenantNetworkConfigs[t.name] = rendered.cniConfig;
      if (t.isDefault) {
        if (defaultRange !== undefined || tenants.slice(0, i).some((x) => x.isDefault)) {
          fail(this, `${field}.isDefault`, true, 'is already set on another tenant network; a shoot has at most one default network');
        }
        const range = rendered.ipam.ranges[0];
        check(range !== undefined, this, `${field}.network.ipam`, t.network.ipam?.ipamType ?? 'none',
          'must assign addresses from a range: the default network\'s subnet becomes the shoot\'s node network');
        defaultRange = range.block.cidr;
      }
      return { name: t.name, config: rendered.cniConfig, ...(t.isDefault ? { default: true } : {}) };
    });

    this.infrastructureConfig = {
      apiVersion: KUBEVIRT_PROVIDER_API,
      kind: 'InfrastructureConfig',
      networks: {
        ...(shared.length > 0 ? { sharedNetworks: shared } : {}),
        ...(tenantNetworks.length > 0 ? { tenantNetworks } : {}),
      },
    };

    for (const [field, cidr] of [['podsCidr', props.podsCidr], ['servicesCidr', props.servicesCidr]] as const) {
      if (cidr === undefined) continue;
      const r = parseCidr(cidr);
      if (!r.block) fail(this, field, cidr, r.error!);
    }

    const workers = (props.workers ?? []).map((w, i) => this.renderWorker(w, `workers[${i}]`));
    const workerNames = workers.map((w) => w.name);
    workerNames.forEach((n, i) => check(workerNames.indexOf(n) === i, this, `workers[${i}].name`, n, 'is used by another worker pool; pool names are unique'));

    this.apiObject = new Shoot(this, 'Resource', {
      metadata: metadata({ name: props.name, namespace: props.namespace }) as any,
      spec: {
        cloudProfileName: props.cloudProfileName,
        region: props.region,
        secretBindingName: props.secretBindingName,
        kubernetes: { version: props.kubernetesVersion },
        networking: {
          type: props.networkingType ?? 'calico',
          ...(defaultRange ? { nodes: defaultRange } : {}),
          ...(props.podsCidr ? { pods: props.podsCidr } : {}),
          ...(props.servicesCidr ? { services: props.servicesCidr } : {}),
        },
        provider: {
          type: 'kubevirt',
          infrastructureConfig: this.infrastructureConfig,
          workers,
        },
      } as any,
    });
    setSyncWave(this.apiObject, SyncWaves.WORKLOAD);
  }

  private renderWorker(w: ShootWorkerProps, field: string): Record<string, any> {
    requireDns1123Label(this, `${field}.name`, w.name);
    check(Number.isInteger(w.minimum) && w.minimum >= 0, this, `${field}.minimum`, w.minimum, 'must be a whole number >= 0');
    check(Number.isInteger(w.maximum) && w.maximum >= w.minimum, this, `${field}.maximum`, w.maximum, `must be a whole number >= minimum (${w.minimum})`);
    check(Array.isArray(w.zones) && w.zones.length > 0, this, `${field}.zones`, w.zones, 'must name at least one zone');
    parseBytes(this, `${field}.volumeSize`, w.volumeSize);
    (w.dataVolumes ?? []).forEach((d, j) => {
      requireDns1123Label(this, `${field}.dataVolumes[${j}].name`, d.name);
      parseBytes(this, `${field}.dataVolumes[${j}].size`, d.size);
    });
    if (w.hugepageSize !== undefined) {
      check(['2Mi', '1Gi'].includes(w.hugepageSize), this, `${field}.hugepageSize`, w.hugepageSize, 'must be "2Mi" or "1Gi"');
    }

    const cpu: Record<string, any> = {};
    if (w.dedicatedCpuPlacement) cpu.dedicatedCpuPlacement = true;
    if (w.cpuModel !== undefined) cpu.model = w.cpuModel;
    const devices: Record<string, any> = {};
    if (w.networkInterfaceMultiqueue) devices.networkInterfaceMultiqueue = true;
    if (w.blockMultiQueue) devices.blockMultiQueue = true;
    const workerConfig: Record<string, any> = { apiVersion: KUBEVIRT_PROVIDER_API, kind: 'WorkerConfig' };
    if (Object.keys(cpu).length > 0) workerConfig.cpu = cpu;
    if (w.hugepageSize !== undefined) workerConfig.memory = { hugepages: { pageSize: w.hugepageSize } };
    if (Object.keys(devices).length > 0) workerConfig.devices = devices;
    if (w.disablePreAllocatedDataVolumes !== undefined) workerConfig.disablePreAllocatedDataVolumes = w.disablePreAllocatedDataVolumes;

    return {
      name: w.name,
      machine: { type: w.machineType, image: { name: w.machineImageName, version: w.machineImageVersion } },
      minimum: w.minimum,
      maximum: w.maximum,
      zones: [...w.zones],
      volume: { size: w.volumeSize, ...(w.volumeType ? { type: w.volumeType } : {}) },
      ...(w.dataVolumes && w.dataVolumes.length > 0
        ? { dataVolumes: w.dataVolumes.map((d) => dataVolume(d, w.volumeType)) }
        : {}),
      providerConfig: workerConfig,
    };
  }
}

function dataVolume(d: ShootDataVolume, defaultType: string | undefined): Record<string, any> {
  const type = d.storageClass ?? defaultType;
  return { name: d.name, size: d.size, ...(type ? { type } : {}) };
}
