import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { StackImage, StackStorage, StackVm } from './high-performance-vms';
import { SshKeys } from '../compute/cloud-init';
import { VmDisk } from '../compute/disks';
import { KubeVirtVm } from '../compute/kubevirt-vm';
import { check } from '../core/errors';
import { Ipam } from '../network/ipam';
import { SharedCephNetwork } from '../network/shared-ceph-network';
import { GoldenImage } from '../storage/golden-image';
import { Grantee } from '../storage/grantee';
import { IsolatedTenant, TenantQuota } from '../tenancy/isolated-tenant';

/**
 * One tenant of a multi-tenant stack.
 */
export interface StackTenant {
  /** Name (and namespace) of the tenant. */
  readonly name: string;
  /** Access VLAN of the tenant's default network (unique on the bridge). */
  readonly vlan: number;
  /** Whereabouts range of the tenant's default network (unique in the app). */
  readonly range: string;
  /** Router of the tenant network: the VMs' default route. */
  readonly gateway: string;
  /** DNS servers of the tenant's VMs. */
  readonly dnsServers: string[];
  /**
   * The tenant's VMs.
   * @default - none
   */
  readonly vms?: StackVm[];
  /**
   * The tenant's quota.
   * @default - none
   */
  readonly quota?: TenantQuota;
  /**
   * The tenant's administrators.
   * @default - none
   */
  readonly admins?: Grantee[];
  /**
   * SSH public keys of the tenant's VMs, put into the guests by cloud-init (public keys may stay in Git).
   * @default - none
   */
  readonly sshKeys?: SshKeys;
}

/**
 * Isolated tenants on one bridge.
 */
export interface MultiTenantVmStackProps extends ChartProps {
  /** Linux bridge on the nodes that carries the tenant VLANs. */
  readonly bridge: string;
  /** The storage network every tenant may reach (and nothing else of the others). */
  readonly storage: StackStorage;
  /** The golden image every tenant's VMs clone their root disks from. */
  readonly image: StackImage;
  /** Namespace of the golden image. */
  readonly imageNamespace: string;
  /** Storage class of the image and the clones. */
  readonly storageClass: string;
  /** The tenants. */
  readonly tenants: StackTenant[];
}

/**
 * The talk's second use case: VMs use Multus as their default network and attach to their tenant's own
 * network only ("full isolation"), plus the shared storage network, on which bridge port isolation keeps
 * tenants apart. Root disks are cloned across namespaces from one golden image, with the RBAC it needs.
 */
export class MultiTenantVmStack extends Chart {
  /** The shared storage network. */
  public readonly storageNetwork: SharedCephNetwork;
  /** The golden image. */
  public readonly image: GoldenImage;
  /** The tenants, in the order given. */
  public readonly tenants: IsolatedTenant[];
  /** Every tenant VM. */
  public readonly vms: KubeVirtVm[] = [];

  constructor(scope: Construct, id: string, props: MultiTenantVmStackProps) {
    super(scope, id, props);
    check(props.tenants.length > 0, this, 'tenants', props.tenants, 'must list at least one tenant');
    this.storageNetwork = props.storage._resolve(this);
    this.image = new GoldenImage(this, 'Image', {
      name: props.image.name,
      namespace: props.imageNamespace,
      source: props.image.source,
      size: props.image.size,
      storageClass: props.storageClass,
    });
    this.tenants = props.tenants.map((t) => {
      const tenant = new IsolatedTenant(this, t.name, {
        name: t.name,
        defaultNetwork: {
          name: `${t.name}-net`,
          bridge: props.bridge,
          vlan: t.vlan,
          ipam: Ipam.whereabouts({ range: t.range, routes: [{ destination: '0.0.0.0/0', gateway: t.gateway }] }),
        },
        sharedNetworks: [this.storageNetwork],
        dnsServers: t.dnsServers,
        quota: t.quota,
        admins: t.admins,
      });
      for (const vm of t.vms ?? []) {
        this.vms.push(tenant.addVm(vm.name, {
          name: vm.name,
          cpu: vm.cpu ?? 2,
          memory: vm.memory ?? '4Gi',
          networks: [{ network: this.storageNetwork, name: 'storage' }],
          rootDisk: VmDisk.fromGoldenImage(this.image, { size: vm.diskSize }),
          sshKeys: t.sshKeys,
        }));
      }
      return tenant;
    });
  }
}
