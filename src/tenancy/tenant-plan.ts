import { Construct, IConstruct } from 'constructs';
import type { IsolatedTenant } from './isolated-tenant';
import { problem } from '../core/errors';
import { INetworkAttachment } from '../network/attachment';
import { NetworkPlan } from '../network/plan';

const PLAN_ID = 'cdk8s-kubevirt.TenantPlan';

/**
 * App-wide tenancy rules: tenants have distinct names and namespaces, and every network a tenant owns is
 * known, so that a VM can be checked against its tenant's networks.
 */
export class TenantPlan extends Construct {
  public static of(scope: IConstruct): TenantPlan {
    const root = scope.node.root as Construct;
    return (root.node.tryFindChild(PLAN_ID) as TenantPlan | undefined) ?? new TenantPlan(root, PLAN_ID);
  }

  private readonly byNamespace = new Map<string, IsolatedTenant>();
  private readonly byName = new Map<string, IsolatedTenant>();
  private readonly networkOwner = new Map<string, IsolatedTenant>();

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

  /** The tenant that owns the network `reference`, if any. */
  public ownerOf(reference: string): IsolatedTenant | undefined {
    return this.networkOwner.get(reference);
  }

  /** The tenant whose namespace is `namespace`, if any. */
  public tenantInNamespace(namespace: string): IsolatedTenant | undefined {
    return this.byNamespace.get(namespace);
  }
}
