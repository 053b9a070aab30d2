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

/**
 * What the estate plan (src/plan) reads of a VM: its size and the volumes it owns. Read after construction;
 * `KubeVirtVm._planFacts()` gives it.
 */
export interface VmPlanFacts {
  /** vCPUs (sockets x cores x threads); undefined when an instancetype gives them. */
  readonly vcpus?: number;
  /** The CPU request of the VM's pod in millicores, when the VM sets one. */
  readonly cpuRequestMillis?: number;
  /** Whether the VM has dedicated CPUs (its pod requests whole CPUs, one per vCPU). */
  readonly dedicatedCpu: boolean;
  /** Guest memory in bytes; undefined when an instancetype gives it. */
  readonly memoryBytes?: bigint;
  /** `kind/name` of the instancetype, when the VM has one. */
  readonly instancetype?: string;
  /** The DataVolumes the VM owns (`dataVolumeTemplates`), as written. */
  readonly dataVolumes: ReadonlyArray<{ readonly metadata: Record<string, any>; readonly spec: Record<string, any> }>;
}
