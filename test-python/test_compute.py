"""KubeVirtVm through the Python bindings: the parity VM writes the same YAML as in TypeScript, and bad
inputs fail with the library's message.

The parity app must stay in step with buildParityApp() in test/compute/parity.test.ts, which writes
test/fixtures/parity/compute.k8s.yaml (regenerated there with UPDATE_PARITY=1).
"""

import pytest
import yaml

from cdk8s_kubevirt import (
    BridgeNetwork,
    CloudInit,
    ExternalSecretValue,
    GoldenImage,
    ImageSource,
    Ipam,
    IpRoute,
    KubeVirtVm,
    PerformanceProfile,
    PodNetwork,
    SecretStoreReference,
    SshKeys,
    VmDisk,
    VmDns,
    VmMultusNetwork,
    VmPort,
)
from wheel_check import REPO_ROOT

FIXTURE = REPO_ROOT / "test" / "fixtures" / "parity" / "compute.k8s.yaml"
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl admin@example"


def build_parity_app(app):
    import cdk8s

    images = cdk8s.Chart(app, "images", namespace="golden-images")
    fedora = GoldenImage(
        images,
        "fedora",
        name="fedora",
        source=ImageSource.registry("docker://quay.io/containerdisks/fedora:40"),
        size="10Gi",
        storage_class="ceph-block",
    )

    vms = cdk8s.Chart(app, "vms", namespace="my-ns")
    bridge = BridgeNetwork(
        vms,
        "my-bridge",
        name="my-bridge",
        bridge="br1",
        vlan=1234,
        ipam=Ipam.whereabouts(
            range="10.123.124.0/24",
            routes=[IpRoute(destination="0.0.0.0/0", gateway="10.123.124.1")],
        ),
    )
    vm = KubeVirtVm(
        vms,
        "my-vm",
        name="my-vm",
        cpu=2,
        memory="4Gi",
        performance=PerformanceProfile.dedicated_cpu(),
        pod_network=PodNetwork.masquerade(ports=[VmPort.ssh()]),
        networks=[VmMultusNetwork(network=bridge, name="other-net", mac_address="02:00:5e:00:53:01", default_route=False)],
        root_disk=VmDisk.from_golden_image(fedora, size="20Gi", preallocation=True),
        cloud_init=CloudInit.no_cloud(
            user_data_from_store=ExternalSecretValue.from_store(SecretStoreReference.cluster_secret_store("vault"), "vms/my-vm")
        ),
        ssh_keys=SshKeys.from_public_keys([KEY]),
    )
    vm.expose_via_service()
    return vm


def documents(text):
    return [doc for doc in yaml.safe_load_all(text) if doc is not None]


def test_the_parity_vm_writes_the_same_yaml_as_typescript(app):
    # GIVEN the parity app built through the Python API: two networks and a root disk cloned across namespaces
    vm = build_parity_app(app)

    # WHEN it is synthesized
    docs = documents(app.synth_yaml())

    # THEN it is, object for object, what TypeScript writes
    expected = documents(FIXTURE.read_text(encoding="utf-8"))
    assert [(d["kind"], d["metadata"]["name"]) for d in docs] == [(d["kind"], d["metadata"]["name"]) for d in expected]
    assert docs == expected
    # and the tenancy contract reads the same from Python
    assert vm.has_pod_network is True
    assert [n.reference for n in vm.attached_networks] == ["my-ns/my-bridge"]


def test_a_fully_isolated_vm_from_python(app, chart):
    # GIVEN a VM whose only network is a Multus default network
    bridge = BridgeNetwork(
        chart,
        "tenant-net",
        name="tenant-net",
        namespace="tenant-a",
        bridge="br1",
        vlan=100,
        is_default_gateway=True,
        ipam=Ipam.whereabouts(range="10.1.0.0/24", gateway="10.1.0.1"),
    )
    vm = KubeVirtVm(
        chart,
        "vm",
        name="vm",
        namespace="tenant-a",
        memory="1Gi",
        networks=[VmMultusNetwork(network=bridge, is_default=True)],
        dns=VmDns.custom(nameservers=["10.1.0.53"]),
    )

    # WHEN synthesized
    [manifest] = [d for d in documents(app.synth_yaml()) if d["kind"] == "VirtualMachine"]

    # THEN Multus replaces the pod network with the tenant network
    spec = manifest["spec"]["template"]["spec"]
    assert spec["networks"] == [{"name": "tenant-net", "multus": {"networkName": "tenant-a/tenant-net", "default": True}}]
    assert spec["domain"]["devices"]["autoattachPodInterface"] is False
    assert vm.has_pod_network is False
    assert vm.default_network.reference == "tenant-a/tenant-net"


def test_a_service_on_a_fully_isolated_vm_is_refused(chart):
    bridge = BridgeNetwork(chart, "l2", name="l2", namespace="my-ns", bridge="br2")
    vm = KubeVirtVm(
        chart,
        "vm",
        name="vm",
        namespace="my-ns",
        memory="1Gi",
        networks=[VmMultusNetwork(network=bridge, is_default=True, acknowledge_no_route_out=True, acknowledge_no_dns=True)],
    )
    with pytest.raises(Exception) as raised:
        vm.expose_via_service()
    assert "[test/vm] service: \"vm\" cannot reach the VM" in str(raised.value)


def test_numa_without_dedicated_cpus_is_refused(chart):
    with pytest.raises(Exception) as raised:
        KubeVirtVm(chart, "vm", memory="2Gi", numa_guest_mapping_passthrough=True)
    assert "numaGuestMappingPassthrough: true needs dedicatedCpuPlacement" in str(raised.value)
