"""The talk "High Performance KubeVirt in Action", as a cdk8s app in Python.

The same app as ../main.ts, through the Python bindings of cdk8s-kubevirt; it writes byte-identical output,
the cluster prerequisites document included (test-python/test_examples.py checks it against examples/expected/).
Run it with `cdk8s synth` here, or `CDK8S_OUTDIR=out python3 main.py`.
"""

import os

from cdk8s import Chart
from cdk8s_kubevirt import (
    AccessMode,
    BridgeNetwork,
    CephClusterOptions,
    ClonedDisk,
    ClusterProvider,
    CloneSource,
    CloudInit,
    ClusterPrerequisites,
    ExternalSecretValue,
    GitOpsApp,
    GoldenImageCatalogStack,
    Grantee,
    HighPerformanceVmStack,
    ImageSource,
    Ipam,
    IpRoute,
    KubernetesClustersStack,
    KubeVirtVm,
    ManifestLayout,
    MultiTenantVmStack,
    NetworkAttachmentReference,
    NodeBridgePolicy,
    SecretStoreReference,
    SharedCephNetwork,
    SshKeys,
    StackClone,
    StackCluster,
    StackClusterDisk,
    StackClusterPool,
    StackImage,
    StackStorage,
    StackTenant,
    StackUploadImage,
    StackVm,
    StorageApi,
    TenantQuota,
    VmDisk,
    VmMultusNetwork,
)

UBUNTU = "https://cloud-images.ubuntu.com/releases/24.04/release-20250805/ubuntu-24.04-server-cloudimg-amd64.img"
ARGOCD = Grantee.service_account("argocd", "argocd-application-controller")
# The operators' SSH public key (a public key is not secret).
OPS_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example.com"
# Where secret material lives: a ClusterSecretStore of the External Secrets Operator.
VAULT = SecretStoreReference.cluster_secret_store("vault")
KUBERNETES = "1.33.4"


def two_clusters(vlans: list) -> list:
    """The talk's two clusters, each with its own tenant network and the shared Ceph network, described once and
    written both as Gardener shoots and as CAPK clusters. Only the VLANs differ: on the KubeVirt cluster VLAN 1234
    of br1 is the talk's my-bridge, and the app-wide network plan refuses a second network on it."""
    return [
        StackCluster(
            name=f"cluster-{i}", vlan=vlans[i - 1], range=f"10.250.{i}.0/24", gateway=f"10.250.{i}.1", dns_servers=[f"10.250.{i}.53"],
            # CAPK: the API server's VIP on the node network (served by kube-vip on the control-plane VMs).
            api_server_address=f"10.250.{i}.10",
            pools=[StackClusterPool(
                name="worker", minimum=2, maximum=5,
                machine_type="standard-4",  # Gardener: the CloudProfile's 4 CPUs / 16Gi
                cpu=4, memory="16Gi",  # CAPK
                volume_size="30Gi", data_volumes=[StackClusterDisk(name="containerd", size="100Gi")],
            )],
        )
        for i in (1, 2)
    ]


def ubuntu_image() -> StackImage:
    return StackImage(name="ubuntu-24-04", source=ImageSource.http(UBUNTU), size="10Gi")


def vm_cluster(outdir: str) -> GitOpsApp:
    """The KubeVirt cluster."""
    app = GitOpsApp(outdir=outdir, layout=ManifestLayout.FILE_PER_CHART)

    # The node side: br1 on bond0 carries exactly the VLANs used below.
    infra = Chart(app, "infrastructure")
    NodeBridgePolicy(infra, "br1", bridge="br1", uplink="bond0", mtu=9000, node_selector={"kubevirt.io/schedulable": "true"})
    # "VMs and Ceph attach to the same net-attach-def": the shared storage network rook-ceph/ceph.
    storage = SharedCephNetwork(
        infra, "ceph",
        bridge="br1", vlan=100, mtu=9000, range="192.168.100.0/24", node_range="192.168.100.0/28",
        ceph_cluster=CephClusterOptions(
            ceph_image="quay.io/ceph/ceph:v19.2.3",
            spec={"storage": {"useAllNodes": True, "useAllDevices": True}},
        ),
    )

    # The talk's manifests, as on the slides.
    talk = Chart(app, "talk", namespace="my-ns")
    my_bridge = BridgeNetwork(
        talk, "my-bridge",
        name="my-bridge", bridge="br1", vlan=1234,
        ipam=Ipam.whereabouts(range="10.123.124.0/24", routes=[IpRoute(destination="0.0.0.0/0", gateway="10.123.124.1")]),
    )
    KubeVirtVm(
        talk, "my-vm",
        name="my-vm", memory="2Gi",
        # One default route per guest: the pod network's; the guest ignores my-bridge's route to 0.0.0.0/0.
        networks=[VmMultusNetwork(network=my_bridge, name="other-net", default_route=False)],
        root_disk=VmDisk.from_container_image("quay.io/containerdisks/fedora:41"),
        cloud_init=CloudInit.no_cloud(user_data_from_store=ExternalSecretValue.from_store(VAULT, "vms/my-ns/my-vm", property="user-data")),
        ssh_keys=SshKeys.from_public_keys([OPS_KEY]),
    )
    ClonedDisk(
        talk, "my-cloned-dv",
        name="my-cloned-dv", source=CloneSource.from_pvc("my-ns", "my-source-dv"),
        storage_api=StorageApi.PVC, access_modes=[AccessMode.READ_WRITE_ONCE], size="10Gi", storage_class="storage-provisioner",
    )

    # Golden images, imported once; one arrives by upload for air-gapped clusters.
    GoldenImageCatalogStack(
        app, "images",
        namespace="golden-images", storage_class="ceph-block",
        images=[ubuntu_image()],
        upload_images=[StackUploadImage(name="rhel-9-airgapped", size="20Gi")],
        uploaders=[Grantee.group("image-uploaders")],
        clones=[StackClone(name="ubuntu-scratch", namespace="lab", image="ubuntu-24-04", size="30Gi")],
        applier=ARGOCD,
    )

    # High-performance VMs next to Ceph.
    HighPerformanceVmStack(
        app, "hpc",
        namespace="hpc", bridge="br1", storage=StackStorage.existing(storage),
        vm_vlan=300, vm_range="10.30.0.0/24", vm_gateway="10.30.0.1", storage_class="ceph-block",
        image=ubuntu_image(),
        vms=[StackVm(name="db-1", cpu=8, memory="32Gi", disk_size="100Gi"), StackVm(name="db-2", cpu=8, memory="32Gi", disk_size="100Gi")],
        ssh_keys=SshKeys.from_public_keys([OPS_KEY]),
    )

    # Fully isolated tenants: Multus default networks, no pod network, storage reachable, nothing else.
    MultiTenantVmStack(
        app, "tenants",
        bridge="br1", storage=StackStorage.existing(storage),
        image=ubuntu_image(), image_namespace="tenant-images", storage_class="ceph-block",
        tenants=[
            StackTenant(
                name="tenant-a", vlan=2001, range="10.201.0.0/24", gateway="10.201.0.1", dns_servers=["10.201.0.53"],
                quota=TenantQuota(cpu="32", memory="128Gi", virtual_machines=20), admins=[Grantee.group("tenant-a-admins")],
                vms=[StackVm(name="web-1"), StackVm(name="web-2")],
                ssh_keys=SshKeys.from_public_keys([OPS_KEY]),
            ),
            StackTenant(
                name="tenant-b", vlan=2002, range="10.202.0.0/24", gateway="10.202.0.1", dns_servers=["10.202.0.53"],
                vms=[StackVm(name="ci-runner", cpu=4, memory="8Gi", disk_size="40Gi")],
                ssh_keys=SshKeys.from_public_keys([OPS_KEY]),
            ),
        ],
    )

    # The talk's two clusters through Cluster API Provider KubeVirt: each in its own isolated tenant, nodes on the
    # tenant network with the storage network beside it, root disks cloned from one node image.
    KubernetesClustersStack(
        app, "clusters",
        provider=ClusterProvider.capk(
            # A Kubernetes node image from Cluster API's image-builder (kubeadm and kubelet of KUBERNETES).
            image=StackImage(
                name="ubuntu-2404-kube-v1-33-4",
                source=ImageSource.registry("docker://registry.example.com/capi-images/ubuntu-2404-kube:v1.33.4"),
                size="20Gi",
            ),
            image_namespace="golden-images", storage_class="ceph-block",
        ),
        bridge="br1", kubernetes_version=KUBERNETES, shared_networks=[storage],
        clusters=two_clusters([3001, 3002]),
    )
    return app


def garden(outdir: str) -> GitOpsApp:
    """The garden cluster: "multiple shoot clusters can access shared networks and create their own isolated tenant networks"."""
    app = GitOpsApp(outdir=outdir, layout=ManifestLayout.FILE_PER_RESOURCE)
    KubernetesClustersStack(
        app, "shoots",
        provider=ClusterProvider.gardener(
            project_namespace="garden-dev", region="local", cloud_profile_name="kubevirt",
            credentials_binding_name="hosting-cluster", machine_image_name="ubuntu", machine_image_version="24.4.0",
            volume_type="ceph-block", zones=["zone-a"],
        ),
        bridge="br1", kubernetes_version=KUBERNETES,
        shared_networks=[NetworkAttachmentReference.from_name("rook-ceph", "ceph")],
        clusters=two_clusters([1234, 2345]),  # the talk's VLANs
    )
    return app


def synthesize(outdir: str) -> None:
    """Writes both apps under `outdir`, and next to the KubeVirt cluster's manifests what they need from that cluster."""
    vms = vm_cluster(os.path.join(outdir, "vm-cluster"))
    vms.synth()
    with open(os.path.join(outdir, "vm-cluster", "cluster-prerequisites.md"), "w", encoding="utf-8", newline="") as f:
        f.write(ClusterPrerequisites.of(vms).to_markdown())
    garden(os.path.join(outdir, "garden")).synth()


if __name__ == "__main__":
    synthesize(os.environ.get("CDK8S_OUTDIR", "dist"))
