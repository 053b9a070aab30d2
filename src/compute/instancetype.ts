import { IConstruct } from 'constructs';
import { fail } from '../core/errors';
import { isDns1123Subdomain } from '../core/names';

function requireName(scope: IConstruct, field: string, name: string): void {
  if (!isDns1123Subdomain(name)) {
    fail(scope, field, name, 'must be a DNS-1123 subdomain (dot-separated DNS-1123 labels, at most 253 characters)');
  }
}

/**
 * The instancetype a VM takes its CPU and memory from (`spec.instancetype`). A VM with an instancetype
 * must not set CPU topology, CPU or memory resources or guest memory itself: KubeVirt refuses the VM
 * (kubevirt pkg/instancetype/apply, conflicts).
 */
export class VmInstancetype {
  /** A `VirtualMachineClusterInstancetype`, e.g. `u1.medium` of the common instancetypes. */
  public static cluster(name: string): VmInstancetype {
    return new VmInstancetype(name, 'VirtualMachineClusterInstancetype');
  }

  /** A `VirtualMachineInstancetype` in the VM's own namespace. */
  public static namespaced(name: string): VmInstancetype {
    return new VmInstancetype(name, 'VirtualMachineInstancetype');
  }

  private constructor(
    /** Name of the instancetype. */
    public readonly name: string,
    /** Kind of the instancetype. */
    public readonly kind: string) {}

  /** @internal */
  public _render(scope: IConstruct): Record<string, string> {
    requireName(scope, 'instancetype', this.name);
    return { kind: this.kind, name: this.name };
  }
}

/**
 * The preference a VM takes its defaults from (`spec.preference`): preferred devices, topology and so on.
 * Preferences only fill what the VM leaves open, so they never conflict with the VM.
 */
export class VmPreference {
  /** A `VirtualMachineClusterPreference`, e.g. `fedora` of the common preferences. */
  public static cluster(name: string): VmPreference {
    return new VmPreference(name, 'VirtualMachineClusterPreference');
  }

  /** A `VirtualMachinePreference` in the VM's own namespace. */
  public static namespaced(name: string): VmPreference {
    return new VmPreference(name, 'VirtualMachinePreference');
  }

  private constructor(
    /** Name of the preference. */
    public readonly name: string,
    /** Kind of the preference. */
    public readonly kind: string) {}

  /** @internal */
  public _render(scope: IConstruct): Record<string, string> {
    requireName(scope, 'preference', this.name);
    return { kind: this.kind, name: this.name };
  }
}
