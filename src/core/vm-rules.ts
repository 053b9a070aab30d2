import { IConstruct } from 'constructs';

/**
 * What app-wide rules need to know of a VM. Defined here, in core, so that modules other than compute
 * (tenancy) can check VMs without compute depending on them.
 */
export interface VmFacts extends IConstruct {
  readonly namespace: string;
  readonly attachedNetworks: ReadonlyArray<{ readonly reference: string }>;
  readonly hasPodNetwork: boolean;
}

/** A construct at the app root that checks VMs against app-wide rules. */
export interface VmRules {
  vmProblems(vm: VmFacts): string[];
}

/** The id under which the tenancy plan sits at the app root; VMs look it up there. */
export const TENANT_PLAN_ID = 'cdk8s-kubevirt.TenantPlan';

/** The problems app-wide rules find with `vm` (none when the app has no such rules). */
export function appVmProblems(vm: VmFacts): string[] {
  const rules = vm.node.root.node.tryFindChild(TENANT_PLAN_ID) as unknown as VmRules | undefined;
  return rules ? rules.vmProblems(vm) : [];
}
