"""IsolatedTenant.add_vms through the Python bindings: one call per group of alike VMs writes what add_vm and
expose_via_service per VM write (the benchmark's Python path, bench/apps/estate.py, relies on it)."""

from cdk8s import Chart

from cdk8s_kubevirt import (
    GitOpsApp, GoldenImage, ImageSource, Ipam, IpRoute, IsolatedTenant, SharedCephNetwork, TenantNetworkProps, VmDisk,
    VmMultusNetwork, VmServiceOptions,
)


def estate():
    app = GitOpsApp()
    chart = Chart(app, "c")
    storage = SharedCephNetwork(chart, "storage", bridge="br1", vlan=100, range="192.168.0.0/16")
    image = GoldenImage(chart, "img", name="fedora", namespace="golden", source=ImageSource.http("https://images.example.com/f.qcow2"),
                        size="10Gi", storage_class="ceph-block")
    tenant = IsolatedTenant(
        chart, "t", name="t", shared_networks=[storage], dns_servers=["10.0.0.53"], allow_pod_network=True,
        default_network=TenantNetworkProps(name="net", bridge="br1", vlan=1000, ipam=Ipam.whereabouts(
            range="10.0.0.0/24", gateway="10.0.0.1", routes=[IpRoute(destination="0.0.0.0/0", gateway="10.0.0.1")])),
    )
    props = dict(cpu=2, memory="4Gi", open_pod_network=True, networks=[VmMultusNetwork(network=storage, name="storage")],
                 root_disk=VmDisk.from_golden_image(image, size="20Gi"))
    return app, tenant, props


def test_add_vms_writes_what_add_vm_per_vm_writes():
    # GIVEN the same estate twice: VM by VM, and as one group
    one, tenant, props = estate()
    for name in ["web-1", "web-2", "web-3"]:
        tenant.add_vm(name, name=name, **props).expose_via_service()
    group, tenant, props = estate()
    # WHEN the group is added with one call
    vms = tenant.add_vms(["web-1", "web-2", "web-3"], service=VmServiceOptions(), **props)
    # THEN the YAML is the same and the VMs come back in order
    assert group.synth_yaml() == one.synth_yaml()
    assert [vm.name for vm in vms] == ["web-1", "web-2", "web-3"]
