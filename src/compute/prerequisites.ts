/**
 * What a VM's manifest needs from the cluster, registered with the app-wide ClusterPrerequisites (which checks it
 * against a declared ClusterProfile). Facts from KubeVirt v1.9.0. Internal: not re-exported by index.ts.
 */
import { IConstruct } from 'constructs';
import { IoThreadsPolicy } from './options';
import { PerformanceKnobs } from './performance';
import { ClusterComponent, ClusterPrerequisites, PrerequisiteKind } from '../platform/prerequisites';

/** The knobs' prerequisites (the instancetype's own knobs are the instancetype's business). */
export function registerComputePrerequisites(vm: IConstruct, k: PerformanceKnobs, hasInstancetype: boolean): void {
  if (hasInstancetype) return;
  const registry = ClusterPrerequisites.of(vm);
  if (k.dedicatedCpuPlacement) {
    // pkg/virt-config/featuregate/active.go: CPUManager is Alpha (off by default). Only with it does virt-handler
    // label nodes whose kubelet runs the static CPU manager (heartbeat.go), and dedicated-CPU VMs select that label.
    registry.require(vm, {
      kind: PrerequisiteKind.FEATURE_GATE,
      component: ClusterComponent.KUBEVIRT,
      requirement: 'CPUManager',
      reason: 'dedicated CPU placement',
      field: 'dedicatedCpuPlacement',
      value: true,
    });
    registry.require(vm, {
      kind: PrerequisiteKind.NODE,
      component: ClusterComponent.NODES,
      requirement: 'kubelet cpuManagerPolicy: static',
      reason: 'dedicated CPU placement (virt-handler labels such nodes kubevirt.io/cpumanager=true)',
    });
  }
  if (k.numaGuestMappingPassthrough) {
    // pkg/virt-config/featuregate/inactive.go: NUMA is GA (always on) from v1.5.0.
    registry.require(vm, {
      kind: PrerequisiteKind.FEATURE_GATE,
      component: ClusterComponent.KUBEVIRT,
      requirement: 'NUMA',
      notNeededFrom: 'v1.5.0',
      reason: 'guest NUMA mapped to the host (guestMappingPassthrough)',
      field: 'numaGuestMappingPassthrough',
      value: true,
    });
  }
  if (k.hugepages !== undefined) {
    registry.require(vm, {
      kind: PrerequisiteKind.NODE,
      component: ClusterComponent.NODES,
      requirement: `hugepages-${k.hugepages} pages allocatable`,
      reason: 'hugepage-backed guest memory',
    });
  }
  if (k.realtime) {
    // pkg/virt-handler/node-labeller: nodes with kernel.sched_rt_runtime_us = -1 get kubevirt.io/realtime, which
    // realtime VMs select.
    registry.require(vm, {
      kind: PrerequisiteKind.NODE,
      component: ClusterComponent.NODES,
      requirement: 'kernel.sched_rt_runtime_us = -1',
      reason: 'real-time vCPUs (virt-handler labels such nodes kubevirt.io/realtime)',
    });
  }
  if (k.ioThreadsPolicy === IoThreadsPolicy.SUPPLEMENTAL_POOL) {
    registry.require(vm, {
      kind: PrerequisiteKind.VERSION,
      component: ClusterComponent.KUBEVIRT,
      requirement: 'v1.5.0',
      reason: 'the supplementalPool IO threads policy',
      field: 'ioThreadsPolicy',
      value: k.ioThreadsPolicy,
    });
  }
}

/** A VM whose MACs KubeMacPool chooses needs KubeMacPool to serve its namespace. */
export function registerKubeMacPool(vm: IConstruct & { readonly namespace: string }): void {
  ClusterPrerequisites.of(vm).require(vm, {
    kind: PrerequisiteKind.CONFIGURATION,
    component: ClusterComponent.KUBEMACPOOL,
    requirement: `allocates VM MACs in namespace ${vm.namespace} (opt-in mode: label mutatevirtualmachines.kubemacpool.io=allocate; `
      + 'opt-out mode: not labelled =ignore)',
    reason: 'MAC addresses from a MAC pool (MacAddressSource.kubeMacPool())',
    field: 'macAddresses',
    value: 'kubemacpool',
  });
}
