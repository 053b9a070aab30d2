import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDisjointClusterNetworks, ClusterNetwork, KubernetesVersion, parseClusterCidr, parseGardenerVersion } from './cluster-rules';
import { VmDns } from '../compute/networking';
import { check, fail } from '../core/errors';
import { IpBlock } from '../core/ip';
import { isDns1123Label, requireDns1123Label, requireDns1123Subdomain } from '../core/names';
import { metadata, setSyncWave, SyncWaves } from '../core/objects';
import { parseBytes } from '../core/quantity';
import { Shoot } from '../imports/core.gardener.cloud';
import { INetworkAttachment } from '../network/attachment';
import { BridgeNetworkProps, bridgeAttachmentSpec } from '../network/bridge-network';
import { renderAttachment } from '../network/nad';

/** API version of the KubeVirt provider's configuration objects. */
export const KUBEVIRT_PROVIDER_API = 'kubevirt.provider.extensions.gardener.cloud/v1alpha1';

// Gardener v1.149.3 limits (pkg/api/core/validation/shoot.go, project.go; plugin/pkg/shoot/validator/admission.go).
const MAX_WORKER_NAME = 15;
const MAX_VOLUME_NAME = 15;
const MAX_PROJECT_NAME = 10;
const MAX_PROJECT_AND_SHOOT_NAME = 21;
const VOLUME_SIZE = /^(\d)+Gi$/;
const IPV4_ONLY = 'the shoot is single-stack IPv4 (spec.networking.ipFamilies defaults to IPv4)';
const INT32_MAX = 2 ** 31 - 1;
// The IPv4 ranges Gardener reserves for the VPN between seed and shoot (pkg/apis/core/v1beta1/constants
// Reserved*Range, 240.0.0.0/8 to 244.0.0.0/8); shoot networks that touch them are refused when scheduled.
const RESERVED_FIRST = 240n * 2n ** 24n;
const RESERVED_LAST = 245n * 2n ** 24n - 1n;

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
  /**
   * Accept a default network that gives no default route: the nodes then reach nothing beyond the segment,
   * not even the shoot's API server in the seed, unless something else routes for them.
   * @default false - a default network without a route out is an error
   */
  readonly acknowledgeNoRouteOut?: boolean;
  /**
   * Accept worker pools without DNS settings on this default network: their node VMs would be handed the
   * hosting cluster's DNS, which they cannot reach without its pod network.
   * @default false - every worker pool needs `dns` when the shoot has a default tenant network
   */
  readonly acknowledgeNoDns?: boolean;
}

/**
 * A data disk of a worker node.
 */
export interface ShootDataVolume {
  /** Name of the disk (a DNS-1123 label of at most 15 characters). */
  readonly name: string;
  /** Size in whole gibibytes, e.g. `50Gi`. */
  readonly size: string;
  /**
   * Volume type of the CloudProfile (the provider uses its class as the disk's storage class).
   * @default - the worker's `volumeType`
   */
  readonly storageClass?: string;
}

/**
 * A worker pool of KubeVirt VMs.
 */
export interface ShootWorkerProps {
  /** Name of the pool (a DNS-1123 label of at most 15 characters). */
  readonly name: string;
  /** Machine type of the CloudProfile (CPU and memory of the node VMs). */
  readonly machineType: string;
  /** Machine image name of the CloudProfile, e.g. `ubuntu`. */
  readonly machineImageName: string;
  /** Machine image version of the CloudProfile. */
  readonly machineImageVersion: string;
  /** Minimum number of nodes (at least 1 when `maximum` is above 0: the provider does not scale from zero). */
  readonly minimum: number;
  /** Maximum number of nodes (at least the number of zones). */
  readonly maximum: number;
  /** Zones of the hosting cluster the nodes run in (at least one, each once). */
  readonly zones: string[];
  /** Size of the root disk in whole gibibytes, e.g. `30Gi`. */
  readonly volumeSize: string;
  /**
   * Volume type of the CloudProfile for the root disk (the worker's `volume.type`, which the provider requires):
   * its class is the storage class the provider imports the machine image into once and clones each node's
   * root disk from.
   */
  readonly volumeType: string;
  /**
   * Extra data disks of every node.
   * @default - none
   */
  readonly dataVolumes?: ShootDataVolume[];
  /**
   * DNS settings of the node VMs (the WorkerConfig's `dnsPolicy` and `dnsConfig`). Required when the shoot has
   * a default tenant network: the hosting cluster's DNS is reachable only over its pod network.
   * @default - the hosting cluster's DNS (`ClusterFirst`)
   */
  readonly dns?: VmDns;
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
  /** Name of the shoot (with the project name at most 21 characters, no `--`). */
  readonly name: string;
  /** The garden project namespace, `garden` or `garden-<something>`, e.g. `garden-dev`. */
  readonly namespace: string;
  /** Region of the CloudProfile. */
  readonly region: string;
  /** Name of the KubeVirt CloudProfile. */
  readonly cloudProfileName: string;
  /**
   * Name of the CredentialsBinding that holds the hosting cluster's kubeconfig (`spec.credentialsBindingName`).
   * Give this or the deprecated `secretBindingName`.
   * @default - none: `secretBindingName` must be given
   */
  readonly credentialsBindingName?: string;
  /**
   * Name of the SecretBinding that holds the hosting cluster's kubeconfig. Deprecated: Gardener refuses it for
   * Kubernetes 1.34 and later; use `credentialsBindingName`. (The archived provider v0.2.0 predates
   * CredentialsBindings and looked up this SecretBinding only.)
   * @default - none: `credentialsBindingName` must be given
   * @deprecated use `credentialsBindingName`
   */
  readonly secretBindingName?: string;
  /** Kubernetes version of the shoot, as the CloudProfile lists it: `1.33.4`, or `1.33` for its latest patch. */
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
   * Worker pools (at least one: a KubeVirt shoot cannot be workerless, see the class documentation).
   */
  readonly workers?: ShootWorkerProps[];
  /**
   * Networking type of the shoot (a Gardener networking extension, e.g. `calico` or `cilium`).
   * @default 'calico'
   */
  readonly networkingType?: string;
  /**
   * Pod CIDR of the shoot (IPv4).
   * @default - Gardener's default
   */
  readonly podsCidr?: string;
  /**
   * Service CIDR of the shoot (IPv4).
   * @default - Gardener's default
   */
  readonly servicesCidr?: string;
  /**
   * Node CIDR of the shoot (`spec.networking.nodes`, which the provider requires): with a default tenant network
   * it is that network's range; without one, the range the nodes' pod network addresses come from.
   * @default - the range of the default tenant network (required without one)
   */
  readonly nodesCidr?: string;
  /**
   * The Gardener project name (at most 10 characters, no `--`), which names the shoot's technical namespace
   * `shoot--<project>--<name>`.
   * @default - the namespace without its `garden-` prefix
   */
  readonly projectName?: string;
}

/**
 * A Gardener `Shoot` on the KubeVirt provider: its `infrastructureConfig` declares the shared networks it
 * attaches to and its own tenant networks (one the default), its worker pools get a `WorkerConfig`, and it is
 * checked as the provider's webhook (gardener-extension-provider-kubevirt v0.2.0 pkg/apis/kubevirt/validation)
 * and Gardener v1.149 (pkg/api/core/validation/shoot.go, the Shoot admission plugin) validate it. Tenant
 * networks take part in the app-wide network plan, so two shoots never share a VLAN or a range, while shared
 * networks are reachable from all.
 *
 * The provider was archived in 2022 (v0.2.0, built for Kubernetes 1.17/1.18, writing `cdi.kubevirt.io/v1alpha1`
 * DataVolumes that CDI v1.66 no longer serves, and knowing SecretBindings only). Nothing maintained reconciles
 * these Shoots today: they document the talk's design and can seed a fork of the provider. For clusters that
 * run, use `CapkCluster` (Cluster API Provider KubeVirt). A workerless KubeVirt shoot is refused: Gardener
 * forbids `networking.nodes` without workers, and the provider requires it on every KubeVirt shoot.
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
    const project = this.checkNames(props);
    this.technicalNamespace = `shoot--${project}--${props.name}`;
    check(typeof props.region === 'string' && props.region.length > 0, this, 'region', props.region, 'is required: the region of the CloudProfile');
    requireDns1123Subdomain(this, 'cloudProfileName', props.cloudProfileName);
    const version = parseGardenerVersion(this, 'kubernetesVersion', props.kubernetesVersion);
    const workerProps = props.workers ?? [];
    check(Array.isArray(workerProps), this, 'workers', workerProps, 'must be a list of worker pools');
    if (workerProps.length === 0) this.refuseWorkerless(props);
    const credentials = this.checkCredentials(props, version);

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
    let defaultNetwork: DefaultNetwork | undefined;
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
        if (defaultNetwork !== undefined) {
          fail(this, `${field}.isDefault`, true, 'is already set on another tenant network; a shoot has at most one default network');
        }
        const range = rendered.ipam.ranges[0];
        check(range !== undefined, this, `${field}.network.ipam`, t.network.ipam?.ipamType ?? 'none',
          'must assign addresses from a range: the default network\'s subnet becomes the shoot\'s node network');
        check(range.block.family === 4, this, `${field}.network.ipam`, range.block.cidr,
          `must assign IPv4 addresses: the default network's range becomes the shoot's node network, and ${IPV4_ONLY}`);
        check(rendered.ipam.providesDefaultRoute || t.network.isDefaultGateway === true || t.acknowledgeNoRouteOut === true, this,
          `${field}.network`, t.name,
          'gives no default route, so nodes on it as their only network reach neither the shoot\'s API server in the seed nor any registry; give the network a gateway route (e.g. an IPAM default route) or set acknowledgeNoRouteOut');
        defaultNetwork = { name: t.name, field: `${field}.network.ipam`, range: range.block, props: t };
      } else {
        for (const key of ['acknowledgeNoRouteOut', 'acknowledgeNoDns'] as const) {
          check(t[key] === undefined, this, `${field}.${key}`, t[key], 'only applies to the default network (isDefault: true)');
        }
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

    const nodes = this.nodeNetwork(props, defaultNetwork);
    this.checkNetworks(props, nodes, props.nodesCidr !== undefined ? 'nodesCidr' : defaultNetwork!.field);
    const networkingType = props.networkingType ?? 'calico';
    // Gardener registers the networking extension as the label networking.extensions.gardener.cloud/<type>.
    check(typeof networkingType === 'string' && networkingType.length <= 63 && /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(networkingType),
      this, 'networkingType', networkingType, 'must be a valid label name (at most 63 letters, digits, \'-\', \'_\' and \'.\'): Gardener keys its networking extension by it');

    const workers = workerProps.map((w, i) => this.renderWorker(w, `workers[${i}]`, defaultNetwork));
    const workerNames = workers.map((w) => w.name);
    workerNames.forEach((n, i) => check(workerNames.indexOf(n) === i, this, `workers[${i}].name`, n, 'is used by another worker pool; pool names are unique'));
    this.checkSystemComponentPools(workerProps);

    this.apiObject = new Shoot(this, 'Resource', {
      metadata: metadata({ name: props.name, namespace: props.namespace }) as any,
      spec: {
        cloudProfileName: props.cloudProfileName,
        region: props.region,
        ...credentials,
        kubernetes: { version: props.kubernetesVersion },
        networking: {
          type: networkingType,
          nodes: nodes.cidr,
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

  /** Shoot, project and namespace names as Gardener takes them; returns the project name. */
  private checkNames(props: KubeVirtShootProps): string {
    requireDns1123Label(this, 'name', props.name);
    // gardener validateNameConsecutiveHyphens: `--` separates project and shoot in the technical namespace.
    check(!props.name.includes('--'), this, 'name', props.name, 'must not contain "--": Gardener separates project and shoot name with it');
    requireDns1123Label(this, 'namespace', props.namespace);
    check(props.namespace === 'garden' || props.namespace.startsWith('garden-'), this, 'namespace', props.namespace,
      'must be a Gardener project namespace: "garden" or "garden-<name>"');
    const project = props.projectName ?? props.namespace.replace(/^garden-/, '');
    requireDns1123Label(this, 'projectName', project);
    check(project.length <= MAX_PROJECT_NAME && !project.includes('--'), this, 'projectName', project,
      `must have at most ${MAX_PROJECT_NAME} characters and no "--" (Gardener's rule for project names)`);
    check(project.length + props.name.length <= MAX_PROJECT_AND_SHOOT_NAME, this, 'name', props.name,
      `must have at most ${MAX_PROJECT_AND_SHOOT_NAME} characters together with the project name ${JSON.stringify(project)}: Gardener refuses longer shoots, because the technical namespace names cloud resources with length limits`);
    return project;
  }

  /** Gardener's rules for a workerless shoot, then the provider's, which leave no workerless KubeVirt shoot. */
  private refuseWorkerless(props: KubeVirtShootProps): never {
    const why = 'Gardener forbids it on a workerless shoot';
    const deprecated = props as { secretBindingName?: string };
    check(deprecated.secretBindingName === undefined, this, 'secretBindingName', deprecated.secretBindingName, `must not be set without worker pools: ${why}`);
    check(props.credentialsBindingName === undefined, this, 'credentialsBindingName', props.credentialsBindingName, `must not be set without worker pools: ${why}`);
    for (const key of ['tenantNetworks', 'sharedNetworks'] as const) {
      check((props[key] ?? []).length === 0, this, key, (props[key] ?? []).map((n) => n.name),
        `must be empty without worker pools: ${why} (spec.provider.infrastructureConfig)`);
    }
    for (const key of ['networkingType', 'podsCidr', 'nodesCidr'] as const) {
      check(props[key] === undefined, this, key, props[key], `must not be set without worker pools: ${why}`);
    }
    fail(this, 'workers', [], 'must list at least one worker pool: Gardener forbids networking.nodes on a workerless shoot, and the KubeVirt provider requires networking.nodes on every KubeVirt shoot');
  }

  /** Exactly one of the credentials fields (shoot.go ValidateShootSpec), and no SecretBinding from 1.34 on. */
  private checkCredentials(props: KubeVirtShootProps, version: KubernetesVersion): Record<string, string> {
    const secret = (props as { secretBindingName?: string }).secretBindingName;
    const creds = props.credentialsBindingName;
    for (const [key, value] of [['credentialsBindingName', creds], ['secretBindingName', secret]] as const) {
      if (value !== undefined) requireDns1123Subdomain(this, key, value);
    }
    if (secret !== undefined && creds !== undefined) {
      fail(this, 'secretBindingName', secret, 'cannot be combined with credentialsBindingName: Gardener takes one of them; drop the deprecated secretBindingName');
    }
    if (secret === undefined && creds === undefined) {
      fail(this, 'credentialsBindingName', creds, 'is required: name the CredentialsBinding that holds the hosting cluster\'s kubeconfig');
    }
    if (secret !== undefined) {
      check(version.major === 1 && version.minor < 34, this, 'secretBindingName', secret,
        `is refused by Gardener for Kubernetes 1.34 and later (kubernetesVersion ${props.kubernetesVersion}); use credentialsBindingName`);
      return { secretBindingName: secret };
    }
    return { credentialsBindingName: creds! };
  }

  /** `spec.networking.nodes`: required by the provider, the default tenant network's range when there is one. */
  private nodeNetwork(props: KubeVirtShootProps, defaultNetwork: DefaultNetwork | undefined): IpBlock {
    if (props.nodesCidr !== undefined) {
      const block = parseClusterCidr(this, 'nodesCidr', props.nodesCidr, IPV4_ONLY);
      if (defaultNetwork) {
        check(block.cidr === defaultNetwork.range.cidr, this, 'nodesCidr', props.nodesCidr,
          `must be the range ${JSON.stringify(defaultNetwork.range.cidr)} of the default tenant network ${JSON.stringify(defaultNetwork.name)} (or left out): the nodes take their addresses from it`);
      }
      return block;
    }
    if (!defaultNetwork) {
      fail(this, 'nodesCidr', props.nodesCidr,
        'is required without a default tenant network: the KubeVirt provider refuses a shoot without networking.nodes (give the range the nodes\' pod network addresses come from)');
    }
    return defaultNetwork.range;
  }

  /** IPv4 (the only family written), outside Gardener's reserved ranges, pairwise disjoint. */
  private checkNetworks(props: KubeVirtShootProps, nodes: IpBlock, nodesField: string): void {
    const networks: ClusterNetwork[] = [{ field: nodesField, role: 'node', block: nodes }];
    for (const [field, role, cidr] of [['podsCidr', 'pod', props.podsCidr], ['servicesCidr', 'service', props.servicesCidr]] as const) {
      if (cidr !== undefined) networks.push({ field, role, block: parseClusterCidr(this, field, cidr, IPV4_ONLY) });
    }
    for (const n of networks) {
      check(n.block.last < RESERVED_FIRST || n.block.first > RESERVED_LAST, this, n.field, n.block.cidr,
        'overlaps 240.0.0.0/8 to 244.0.0.0/8, which Gardener reserves for the VPN between seed and shoot');
    }
    checkDisjointClusterNetworks(this, networks);
  }

  /**
   * At least one pool that can run system components (maximum > 0), and pools with enough nodes for their
   * zones (shoot.go ValidateSystemComponentWorkers; every pool allows system components by default).
   */
  private checkSystemComponentPools(workers: ShootWorkerProps[]): void {
    const active = workers.map((w, i) => ({ w, i })).filter(({ w }) => w.maximum > 0);
    check(active.length > 0, this, 'workers', workers.map((w) => w.maximum),
      'must have a pool with maximum above 0: Gardener needs one active pool for the system components');
    const sufficient = new Set<string>();
    const insufficient = new Map<string, number>();
    for (const { w, i } of active) {
      const key = [...new Set(w.zones)].sort().join('\u0000');
      if (w.maximum >= w.zones.length) {
        sufficient.add(key);
        insufficient.delete(key);
      } else if (!sufficient.has(key)) {
        insufficient.set(key, i);
      }
    }
    for (const i of insufficient.values()) {
      fail(this, `workers[${i}].maximum`, workers[i].maximum,
        `must be at least the number of zones (${workers[i].zones.length}): Gardener spreads system components over every zone of the pool`);
    }
  }

  private renderWorker(w: ShootWorkerProps, field: string, defaultNetwork: DefaultNetwork | undefined): Record<string, any> {
    check(isDns1123Label(w.name) && w.name.length <= MAX_WORKER_NAME, this, `${field}.name`, w.name,
      `must be a DNS-1123 label of at most ${MAX_WORKER_NAME} characters (Gardener's limit for worker pool names)`);
    for (const key of ['machineType', 'machineImageName', 'machineImageVersion'] as const) {
      check(typeof w[key] === 'string' && w[key].length > 0, this, `${field}.${key}`, w[key], 'is required: Gardener looks it up in the CloudProfile');
    }
    check(Number.isInteger(w.minimum) && w.minimum >= 0 && w.minimum <= INT32_MAX, this, `${field}.minimum`, w.minimum, 'must be a whole number >= 0');
    check(Number.isInteger(w.maximum) && w.maximum >= w.minimum && w.maximum <= INT32_MAX, this, `${field}.maximum`, w.maximum, `must be a whole number >= minimum (${w.minimum})`);
    // provider validation/shoot.go ValidateWorkers: "auto scaling to 0 is not supported".
    check(!(w.maximum > 0 && w.minimum === 0), this, `${field}.minimum`, w.minimum,
      `must be at least 1 when maximum is above 0 (maximum ${w.maximum}): the KubeVirt provider does not scale worker pools from zero`);
    check(Array.isArray(w.zones) && w.zones.length > 0, this, `${field}.zones`, w.zones, 'must name at least one zone');
    w.zones.forEach((z, j) => {
      check(typeof z === 'string' && z.length > 0, this, `${field}.zones[${j}]`, z, 'must be a zone name');
      check(w.zones.indexOf(z) === j, this, `${field}.zones[${j}]`, z, 'is listed twice: the provider takes each zone once per worker pool');
    });
    check(typeof w.volumeType === 'string' && w.volumeType.length > 0, this, `${field}.volumeType`, w.volumeType,
      'is required: the KubeVirt provider refuses a worker without volume.type (the CloudProfile volume type whose class stores the node\'s root disk)');
    checkVolumeSize(this, `${field}.volumeSize`, w.volumeSize);
    const volumeNames = new Set<string>();
    (w.dataVolumes ?? []).forEach((d, j) => {
      const f = `${field}.dataVolumes[${j}]`;
      check(isDns1123Label(d.name) && d.name.length <= MAX_VOLUME_NAME, this, `${f}.name`, d.name,
        `must be a DNS-1123 label of at most ${MAX_VOLUME_NAME} characters (Gardener's limit for volume names)`);
      check(!volumeNames.has(d.name), this, `${f}.name`, d.name, 'is used by another data volume of the pool; names are unique');
      volumeNames.add(d.name);
      checkVolumeSize(this, `${f}.size`, d.size);
      if (d.storageClass !== undefined) {
        check(typeof d.storageClass === 'string' && d.storageClass.length > 0, this, `${f}.storageClass`, d.storageClass,
          'must name a volume type of the CloudProfile (the provider requires dataVolumes[].type), or be left out for the worker\'s volumeType');
      }
    });
    if (w.hugepageSize !== undefined) {
      check(['2Mi', '1Gi'].includes(w.hugepageSize), this, `${field}.hugepageSize`, w.hugepageSize, 'must be "2Mi" or "1Gi"');
    }
    if (w.dns !== undefined) check(w.dns instanceof VmDns, this, `${field}.dns`, w.dns, 'must be a VmDns (VmDns.custom(), node() or clusterFirst())');
    const dns = w.dns?._render(this, `${field}.dns`);
    if (defaultNetwork && defaultNetwork.props.acknowledgeNoDns !== true) {
      check(dns !== undefined && dns.dnsPolicy !== 'ClusterFirst', this, `${field}.dns`, dns?.dnsPolicy,
        `must give resolvers the node VMs can reach: the default tenant network ${JSON.stringify(defaultNetwork.name)} replaces their pod network, and the hosting cluster's DNS is reachable only over it; use VmDns.custom(...) or set acknowledgeNoDns on the tenant network`);
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
    if (dns) {
      workerConfig.dnsPolicy = dns.dnsPolicy;
      if (dns.dnsConfig) workerConfig.dnsConfig = JSON.parse(JSON.stringify(dns.dnsConfig));
    }
    if (w.disablePreAllocatedDataVolumes !== undefined) workerConfig.disablePreAllocatedDataVolumes = w.disablePreAllocatedDataVolumes;

    return {
      name: w.name,
      machine: { type: w.machineType, image: { name: w.machineImageName, version: w.machineImageVersion } },
      minimum: w.minimum,
      maximum: w.maximum,
      zones: [...w.zones],
      volume: { size: w.volumeSize, type: w.volumeType },
      ...(w.dataVolumes && w.dataVolumes.length > 0
        ? { dataVolumes: w.dataVolumes.map((d) => ({ name: d.name, size: d.size, type: d.storageClass ?? w.volumeType })) }
        : {}),
      providerConfig: workerConfig,
    };
  }
}

/** The shoot's default tenant network, once rendered. */
interface DefaultNetwork {
  readonly name: string;
  /** The field its range comes from, for errors about the node network. */
  readonly field: string;
  readonly range: IpBlock;
  readonly props: ShootTenantNetworkProps;
}

/** Gardener's volume size rule (shoot.go volumeSizeRegex), then a positive size. */
function checkVolumeSize(scope: Construct, field: string, size: string): void {
  check(typeof size === 'string' && VOLUME_SIZE.test(size), scope, field, size,
    'must be a whole number of gibibytes such as "30Gi": Gardener refuses other volume sizes');
  parseBytes(scope, field, size);
}
