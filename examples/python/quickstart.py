"""The README's Python quick start, verbatim (test-python/test_readme.py runs it)."""

from cdk8s import App, Chart
from cdk8s_kubevirt import BridgeNetwork, GoldenImage, ImageSource, Ipam, IpRoute, KubeVirtVm, SharedCephNetwork, VmDisk, VmMultusNetwork

app = App()
chart = Chart(app, "vms", namespace="my-ns")
net = BridgeNetwork(chart, "my-bridge", name="my-bridge", bridge="br1", vlan=1234,
                    ipam=Ipam.whereabouts(range="10.123.124.0/24",
                                          routes=[IpRoute(destination="0.0.0.0/0", gateway="10.123.124.1")]))
storage = SharedCephNetwork(chart, "ceph", bridge="br1", vlan=100, range="192.168.100.0/24")
image = GoldenImage(chart, "fedora", name="fedora", size="10Gi", storage_class="ceph-block",
                    source=ImageSource.registry("docker://quay.io/containerdisks/fedora:41"))
KubeVirtVm(chart, "my-vm", name="my-vm", cpu=2, memory="4Gi",
           networks=[VmMultusNetwork(network=net, name="other-net", default_route=False), VmMultusNetwork(network=storage, name="storage")],
           root_disk=VmDisk.from_golden_image(image, size="20Gi"))
app.synth()
