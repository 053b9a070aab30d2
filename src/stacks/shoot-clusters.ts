import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { VmDns } from '../compute/networking';
import { check } from '../core/errors';
import { INetworkAttachment } from '../network/attachment';
import { Ipam } from '../network/ipam';
import { KubeVirtShoot, ShootWorkerProps } from '../tenancy/kubevirt-shoot';

/**
 * One shoot cluster of the stack.
 */
export interface StackShoot {
  /** Name of the shoot. */
  readonly name: string;
  /** Access VLAN of the shoot's own default network (unique on the bridge). */
  readonly vlan: number;
  /** Range of the shoot's node network. */
  readonly range: string;
  /** Router of the node network. */
  readonly gateway: string;
  /** Worker pools of the shoot. */
  readonly workers: ShootWorkerProps[];
  /**
   * DNS servers of the node network, given to every worker pool that sets no `dns` of its own: the nodes'
   * default network is the shoot's tenant network, where the hosting cluster's DNS is unreachable.
   * @default - none: every worker pool must set `dns`
   */
  readonly dnsServers?: string[];
}

/**
 * Gardener shoot clusters on KubeVirt (see `KubeVirtShoot`: the provider is archived; `KubernetesClustersStack`
 * writes the same clusters for Cluster API Provider KubeVirt too).
 */
export interface ShootClustersStackProps extends ChartProps {
  /** The garden project namespace, e.g. `garden-dev`. */
  readonly projectNamespace: string;
  /** Linux bridge of the hosting cluster's nodes. */
  readonly bridge: string;
  /**
   * Networks of the hosting cluster every shoot reaches (e.g. `rook-ceph/ceph`); they must exist there.
   * @default - none
   */
  readonly sharedNetworks?: INetworkAttachment[];
  /** Region of the KubeVirt CloudProfile. */
  readonly region: string;
  /** The KubeVirt CloudProfile. */
  readonly cloudProfileName: string;
  /**
   * CredentialsBinding with the hosting cluster's kubeconfig.
   * @default - none: `secretBindingName` must be given
   */
  readonly credentialsBindingName?: string;
  /**
   * SecretBinding with the hosting cluster's kubeconfig. Deprecated: Gardener refuses it for Kubernetes 1.34 and later.
   * @default - none: `credentialsBindingName` must be given
   * @deprecated use `credentialsBindingName`
   */
  readonly secretBindingName?: string;
  /** Kubernetes version of the shoots. */
  readonly kubernetesVersion: string;
  /** The shoots. */
  readonly shoots: StackShoot[];
}

/**
 * The talk's third use case: "multiple shoot clusters can access shared networks and create their own
 * isolated tenant networks". Writes one Shoot per cluster (for the garden cluster), each reaching the
 * hosting cluster's shared networks and owning a default tenant network on its own VLAN.
 */
export class ShootClustersStack extends Chart {
  /** The shoots. */
  public readonly shoots: KubeVirtShoot[];

  constructor(scope: Construct, id: string, props: ShootClustersStackProps) {
    super(scope, id, props);
    check(props.shoots.length > 0, this, 'shoots', props.shoots, 'must list at least one shoot');
    const deprecated = props as { secretBindingName?: string };
    this.shoots = props.shoots.map((s) => new KubeVirtShoot(this, s.name, {
      name: s.name,
      namespace: props.projectNamespace,
      region: props.region,
      cloudProfileName: props.cloudProfileName,
      credentialsBindingName: props.credentialsBindingName,
      ...(deprecated.secretBindingName !== undefined ? { secretBindingName: deprecated.secretBindingName } : {}),
      kubernetesVersion: props.kubernetesVersion,
      sharedNetworks: props.sharedNetworks,
      tenantNetworks: [{
        name: 'network1',
        isDefault: true,
        network: {
          bridge: props.bridge,
          vlan: s.vlan,
          ipam: Ipam.whereabouts({ range: s.range, gateway: s.gateway, routes: [{ destination: '0.0.0.0/0', gateway: s.gateway }] }),
        },
      }],
      workers: s.workers.map((w) => ({ ...w, dns: w.dns ?? (s.dnsServers ? VmDns.custom({ nameservers: s.dnsServers }) : undefined) })),
    }));
  }
}
