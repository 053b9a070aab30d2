import { Construct, IConstruct } from 'constructs';
import type { IsolatedTenant } from './isolated-tenant';
import { problem } from '../core/errors';
import { TENANT_PLAN_ID, VmFacts, VmRules } from '../core/vm-rules';
import { INetworkAttachment } from '../network/attachment';
import { NetworkPlan } from '../network/plan';


/**
 * App-wide tenancy rules: tenants have distinct names and namespaces, and every network a tenant owns is
 * known, so that a VM can be checked against its tenant's networks.
 */
export class TenantPlan extends Construct implements VmRules {
  public static of(scope: IConstruct): TenantPlan {
    const root = scope.node.root as Construct;
    return (root.node.tryFindChild(TENANT_PLAN_ID) as TenantPlan | undefined) ?? new TenantPlan(root, TENANT_PLAN_ID);
  }

  private readonly byNamespace = new Map<string, IsolatedTenant>();
  private readonly byName = new Map<string, IsolatedTenant>();
  private readonly networkOwner = new Map<string, IsolatedTenant>();
  /** Copies of shared networks in a tenant's namespace -> that tenant. */
  private readonly offeredTo = new Map<string, IsolatedTenant>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** Tenants are told apart by name and namespace; a clash is reported on the later tenant. */
  public registerTenant(tenant: IsolatedTenant): void {
    const sameName = this.byName.get(tenant.tenantName);
    const sameNamespace = this.byNamespace.get(tenant.namespace);
    if (sameName) {
      tenant.node.addValidation({ validate: () => [problem('name', tenant.tenantName, `is already the name of tenant ${sameName.node.path}; tenant names are unique`)] });
    } else {
      this.byName.set(tenant.tenantName, tenant);
    }
    if (sameNamespace) {
      tenant.node.addValidation({ validate: () => [problem('namespace', tenant.namespace, `already belongs to tenant ${sameNamespace.node.path}; a namespace holds one tenant`)] });
    } else {
      this.byNamespace.set(tenant.namespace, tenant);
    }
  }

  /** Records that `tenant` owns `network`, and labels the network's plan entry with the tenant. */
  public registerNetwork(tenant: IsolatedTenant, network: INetworkAttachment & IConstruct): void {
    this.networkOwner.set(network.reference, tenant);
    const registration = NetworkPlan.of(tenant).registrationOf(network);
    if (registration) registration.tenant = tenant.tenantName;
  }

  /** Records that `tenant` offers a shared network to its VMs as the NAD `reference` of its namespace. */
  public registerOffered(tenant: IsolatedTenant, reference: string): void {
    this.offeredTo.set(reference, tenant);
  }

  /** The tenant that owns the network `reference`, if any. */
  public ownerOf(reference: string): IsolatedTenant | undefined {
    return this.networkOwner.get(reference);
  }

  /**
   * A VM in a tenant's namespace attaches only to that tenant's networks and the shared networks granted
   * to it (as the tenant offers them), and to the pod network only when the tenant allows it, however it was
   * created: the same rules the tenant admission policy enforces in the cluster. A VM elsewhere never attaches
   * to a tenant's network.
   */
  public vmProblems(vm: VmFacts): string[] {
    const tenant = this.byNamespace.get(vm.namespace);
    const problems: string[] = [];
    const allowed = tenant ? new Set(tenant.attachableReferences) : undefined;
    vm.attachedNetworks.forEach((n, i) => {
      const owner = this.networkOwner.get(n.reference) ?? this.offeredTo.get(n.reference);
      if (owner && owner !== tenant) {
        problems.push(problem(`networks[${i}]`, n.reference, `belongs to tenant ${JSON.stringify(owner.tenantName)}; a VM attaches only to its own tenant's networks and granted shared networks`));
      } else if (tenant && !allowed!.has(n.reference)) {
        const granted = tenant.sharedNetworks.find((s) => s.reference === n.reference);
        problems.push(granted
          ? problem(`networks[${i}]`, n.reference, `is offered to tenant ${JSON.stringify(tenant.tenantName)} as ${tenant.sharedNetworkFor(granted)!.reference} (SharedNetworkAccess.TENANT_NAMESPACE); attach to that one`)
          : problem(`networks[${i}]`, n.reference, `is not granted to tenant ${JSON.stringify(tenant.tenantName)}; grant it with grantSharedNetwork() first`));
      }
    });
    if (tenant && vm.hasPodNetwork && !tenant.allowPodNetwork) {
      problems.push(problem('podNetwork', 'attached', `is not allowed in the namespace of tenant ${JSON.stringify(tenant.tenantName)}, which is fully isolated (allowPodNetwork is off); use PodNetwork.none() and the tenant's default network`));
    }
    return problems;
  }

  /** The tenant whose namespace is `namespace`, if any. */
  public tenantInNamespace(namespace: string): IsolatedTenant | undefined {
    return this.byNamespace.get(namespace);
  }
}
