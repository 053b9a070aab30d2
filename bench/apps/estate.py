"""The estate through the Python wheel: bench/apps/library.ts, line for line, in Python.

    python bench/apps/estate.py --tenants T --vms V --out DIR [--batch]

--batch adds each tenant's VMs with one add_vms(names, ...) call instead of add_vm() + expose_via_service() per VM.
The last line printed is the result for the benchmark: when the phases ended (ms since the process started),
and the peak resident set of this process and of the jsii kernel (node) processes it started.
"""
import json
import os
import sys
import time

# The benchmark measures the whole process from outside; these marks (from here, after the interpreter
# started) only split it into phases.
START = time.perf_counter()


def arg(name, default=None):
    if f"--{name}" in sys.argv:
        return sys.argv[sys.argv.index(f"--{name}") + 1]
    if default is None:
        raise SystemExit(f"--{name} is required")
    return default


def ms():
    return (time.perf_counter() - START) * 1000


from cdk8s import Chart  # noqa: E402
from cdk8s_kubevirt import (  # noqa: E402
    GitOpsApp, GoldenImage, ImageSource, Ipam, IpRoute, IsolatedTenant, SharedCephNetwork, TenantNetworkProps, TenantQuota,
    VmDisk, VmMultusNetwork, VmServiceOptions,
)

loaded = ms()
tenants = int(arg("tenants"))
vms = int(arg("vms"))
batch = "--batch" in sys.argv

app = GitOpsApp(outdir=arg("out"))
platform = Chart(app, "platform")
tenants_chart = Chart(app, "tenants")
image = GoldenImage(platform, "fedora", name="fedora", namespace="golden-images",
                    source=ImageSource.http("https://images.example.com/fedora-40.qcow2"), size="10Gi", storage_class="ceph-block")
storage = SharedCephNetwork(platform, "storage", bridge="br1", vlan=100, range="192.168.0.0/16")
root_disk = VmDisk.from_golden_image(image, size="20Gi")
networks = [VmMultusNetwork(network=storage, name="storage")]
quota = TenantQuota(cpu="200", memory="512Gi", storage="2Ti", virtual_machines=100)

for t in range(tenants):
    name = f"tenant-{t:04d}"
    net = f"10.{t // 256}.{t % 256}"
    tenant = IsolatedTenant(
        tenants_chart, name, name=name,
        default_network=TenantNetworkProps(
            name="tenant-net", bridge="br1", vlan=1000 + t,
            ipam=Ipam.whereabouts(range=f"{net}.0/24", gateway=f"{net}.1", routes=[IpRoute(destination="0.0.0.0/0", gateway=f"{net}.1")]),
        ),
        shared_networks=[storage], dns_servers=[f"{net}.53"], quota=quota, allow_pod_network=True,
    )
    if batch:
        tenant.add_vms([f"vm-{v:03d}" for v in range(vms)], cpu=2, memory="4Gi", open_pod_network=True, networks=networks,
                       root_disk=root_disk, service=VmServiceOptions())
    else:
        for v in range(vms):
            vm = f"vm-{v:03d}"
            tenant.add_vm(vm, name=vm, cpu=2, memory="4Gi", open_pod_network=True, networks=networks, root_disk=root_disk).expose_via_service()
built = ms()
app.synth()
written = ms()


def peak_rss(pid="self"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def descendants(pid):
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                for child in f.read().split():
                    out.append(int(child))
                    out.extend(descendants(int(child)))
    except OSError:
        pass
    return out


kernel = sorted((peak_rss(p) for p in descendants(os.getpid())), reverse=True)
print("@@bench-app " + json.dumps({
    "loadedMs": loaded, "builtMs": built, "writtenMs": written,
    "peakRssBytes": peak_rss(), "kernelPeakRssBytes": kernel[0] if kernel else 0, "childrenPeakRssBytes": kernel,
}), flush=True)
