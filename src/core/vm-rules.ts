import { IConstruct } from 'constructs';
import { problem } from './errors';

/**
 * What app-wide rules need to know of a VM. Defined here, in core, so that modules other than compute
 * (tenancy, network) can check VMs without compute depending on them.
 */
export interface VmFacts extends IConstruct {
  readonly namespace: string;
  readonly attachedNetworks: ReadonlyArray<{ readonly reference: string }>;
  readonly hasPodNetwork: boolean;
}

/** A construct at the app root that checks VMs against app-wide rules. */
export interface VmRules {
  vmProblems(vm: VmFacts): string[];
  /**
   * Node labels the VM's pod must be scheduled by, e.g. the node selector of the node bridge that carries
   * its networks. Each label comes with the reason it is needed, for conflict messages.
   */
  vmNodeLabels?(vm: VmFacts): ReadonlyArray<RequiredNodeLabel>;
}

/** A node label a VM needs, and why. */
export interface RequiredNodeLabel {
  readonly key: string;
  readonly value: string;
  /** Why, e.g. `the node bridge "br1" of app/infra/br1`. */
  readonly reason: string;
}

/** The id under which the tenancy plan sits at the app root; VMs look it up there. */
export const TENANT_PLAN_ID = 'cdk8s-kubevirt.TenantPlan';
/** The id under which the network plan sits at the app root. */
export const NETWORK_PLAN_ID = 'cdk8s-kubevirt.NetworkPlan';

/** Every app-wide rule set that VMs are checked against, in a fixed order. */
const RULE_IDS = [NETWORK_PLAN_ID, TENANT_PLAN_ID];

function rulesOf(vm: IConstruct): VmRules[] {
  const root = vm.node.root.node;
  return RULE_IDS.map((id) => root.tryFindChild(id) as unknown as VmRules | undefined).filter((r): r is VmRules => r !== undefined);
}

/**
 * The problems app-wide rules find with `vm` (none when the app has no such rules), given its own node
 * selector: among them, node labels the rules require that the VM's selector (or another rule) contradicts,
 * which would leave no node to run on.
 */
export function appVmProblems(vm: VmFacts, ownNodeSelector?: { [key: string]: string }): string[] {
  const rules = rulesOf(vm);
  return [...rules.flatMap((r) => r.vmProblems(vm)), ...mergeNodeLabels(rules, vm, ownNodeSelector).problems];
}

/**
 * The node selector of a VM's pod: its own, plus the node labels app-wide rules require (nodes that have the
 * bridges of its networks). Contradictions are reported by `appVmProblems`; here the first value wins.
 * Undefined when there is nothing to select.
 */
export function vmNodeSelector(vm: VmFacts, own: { [key: string]: string } | undefined): { [key: string]: string } | undefined {
  const { selector } = mergeNodeLabels(rulesOf(vm), vm, own);
  return Object.keys(selector).length > 0 ? selector : undefined;
}

function mergeNodeLabels(rules: VmRules[], vm: VmFacts, own: { [key: string]: string } | undefined) {
  const selector: { [key: string]: string } = { ...(own ?? {}) };
  const why = new Map<string, string>(Object.keys(selector).map((k) => [k, 'its own nodeSelector']));
  const problems: string[] = [];
  for (const r of rules) {
    for (const label of r.vmNodeLabels?.(vm) ?? []) {
      const have = selector[label.key];
      if (have === undefined) {
        selector[label.key] = label.value;
        why.set(label.key, label.reason);
      } else if (have !== label.value) {
        problems.push(problem('nodeSelector', `${label.key}=${label.value}`,
          `is needed by ${label.reason}, but ${why.get(label.key)} wants ${label.key}=${have}: no node can satisfy both; make the node selectors agree`));
      }
    }
  }
  return { selector, problems };
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
