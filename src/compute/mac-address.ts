/**
 * Where the MAC addresses of a VM's NICs come from (`KubeVirtVm` `macAddresses`). A NIC's own `macAddress` always
 * wins over both.
 */
export class MacAddressSource {
  /**
   * Derived by the library from the VM's namespace, the VM's name and the NIC's name (a SHA-256 hash, in the
   * locally administered unicast space, first byte never `02`, so never KubeMacPool's default range nor the
   * masquerade binding's reserved `02:00:00:00:00:00`). The same VM gets the same MACs on every synthesis, so guests
   * that bind their configuration to a MAC keep their network across restarts and migrations; two NICs with the
   * same MAC on one layer-2 segment of the app are refused.
   */
  public static derived(): MacAddressSource {
    return new MacAddressSource('derived');
  }

  /**
   * Left to KubeMacPool, which writes a MAC from its pool into the VirtualMachine when it is created and keeps it
   * unique cluster-wide. No MAC is written here, so the library cannot match cloud-init network data to the NICs
   * and generates none. KubeMacPool serves a namespace when its VirtualMachine webhook selects it: in opt-in mode
   * the namespace needs the label `mutatevirtualmachines.kubemacpool.io=allocate`; in opt-out mode (its default
   * deployment) every namespace not labelled `mutatevirtualmachines.kubemacpool.io=ignore`. The requirement is
   * listed among the app's cluster prerequisites.
   */
  public static kubeMacPool(): MacAddressSource {
    return new MacAddressSource('kubemacpool');
  }

  /**
   * No MAC written and none chosen here: KubeVirt picks one per VM (for templates that make many VMs, such as a
   * Cluster API machine template, where one derived MAC would be on every VM).
   * @internal
   */
  public static _perVm(): MacAddressSource {
    return new MacAddressSource('per-vm');
  }

  private constructor(
    /** `derived`, `kubemacpool` or `per-vm`. */
    public readonly kind: string) {}
}
