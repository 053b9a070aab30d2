"""Golden images and clones through the Python bindings: the same YAML as TypeScript, and the same checks.

The scene below is test/storage/parity.test.ts's, built through the Python API (camelCase props become
snake_case keyword arguments). Both must synthesize test/fixtures/parity/storage.k8s.yaml byte for byte.
"""

import pytest
import yaml

from cdk8s_kubevirt import (
    AccessMode,
    CloneSource,
    CloneStrategy,
    ClonedDisk,
    GoldenImage,
    Grantee,
    ImageRefreshOptions,
    ImageSource,
    PullMethod,
    SnapshotClass,
    StorageApi,
    StorageClassProfile,
    VolumeBindingMode,
    VolumeMode,
)
from wheel_check import REPO_ROOT

FIXTURE = REPO_ROOT / "test" / "fixtures" / "parity" / "storage.k8s.yaml"


def build_scene(app):
    import cdk8s

    chart = cdk8s.Chart(app, "storage")
    ceph = StorageClassProfile(
        chart,
        "ceph-block",
        storage_class="ceph-block",
        clone_strategy=CloneStrategy.SNAPSHOT,
        snapshot_class=SnapshotClass.define(
            name="ceph-block-snapshots", driver="rbd.csi.ceph.com", parameters={"clusterID": "rook-ceph"}
        ),
        volume_binding_mode=VolumeBindingMode.IMMEDIATE,
    )
    fedora = GoldenImage(
        chart,
        "fedora",
        name="fedora",
        namespace="golden",
        size="10Gi",
        storage_class="ceph-block",
        volume_mode=VolumeMode.BLOCK,
        preallocation=True,
        source=ImageSource.registry("docker://quay.io/containerdisks/fedora:40", pull_method=PullMethod.NODE),
        refresh=ImageRefreshOptions(schedule="0 3 * * 0", imports_to_keep=2),
    )
    windows = GoldenImage(
        chart,
        "windows",
        name="windows-2022",
        namespace="golden",
        size="60Gi",
        storage_class="ceph-block",
        source=ImageSource.upload(),
    )
    windows.grant_upload(Grantee.user("image-admin@example.com"))
    ClonedDisk(
        chart,
        "vm1-root",
        name="vm1-root",
        namespace="tenant-a",
        source=CloneSource.from_golden_image(fedora),
        size="20Gi",
        storage_profile=ceph,
        require_strategy=True,
        creator=Grantee.service_account("argocd", "argocd-application-controller"),
    )
    ClonedDisk(
        chart,
        "my-cloned-dv",
        name="my-cloned-dv",
        namespace="my-ns",
        source=CloneSource.from_pvc("my-ns", "my-source-dv"),
        storage_api=StorageApi.PVC,
        access_modes=[AccessMode.READ_WRITE_ONCE],
        size="10Gi",
        storage_class="storage-provisioner",
    )
    return windows


def test_python_scene_synthesizes_the_typescript_yaml(app):
    # GIVEN the parity scene built through the Python API
    build_scene(app)

    # WHEN synthesized
    text = app.synth_yaml()

    # THEN it is the YAML TypeScript writes, document for document and byte for byte
    expected = FIXTURE.read_text(encoding="utf-8")
    assert list(yaml.safe_load_all(text)) == list(yaml.safe_load_all(expected))
    assert text == expected


def test_the_talks_clone_from_python(app):
    build_scene(app)
    docs = [d for d in yaml.safe_load_all(app.synth_yaml()) if d]
    dv = next(d for d in docs if d["kind"] == "DataVolume" and d["metadata"]["name"] == "my-cloned-dv")
    assert dv["spec"] == {
        "source": {"pvc": {"namespace": "my-ns", "name": "my-source-dv"}},
        "pvc": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "10Gi"}},
            "storageClassName": "storage-provisioner",
        },
    }
    # a same-namespace clone needs no RoleBinding; the only clone RoleBinding is the cross-namespace one
    clone_bindings = [d for d in docs if d["kind"] == "RoleBinding" and d["roleRef"]["kind"] == "ClusterRole"]
    assert [(b["metadata"]["namespace"], b["subjects"]) for b in clone_bindings] == [
        ("golden", [{"kind": "ServiceAccount", "name": "argocd-application-controller", "namespace": "argocd"}])
    ]


def test_upload_command(app):
    windows = build_scene(app)
    assert windows.upload_command("/images/windows-2022.qcow2") == (
        "virtctl image-upload dv 'windows-2022' --namespace='golden' --no-create --image-path='/images/windows-2022.qcow2'"
    )


def test_a_clone_smaller_than_its_source_is_refused(chart):
    image = GoldenImage(
        chart, "img", name="fedora", namespace="golden", size="10Gi", source=ImageSource.blank()
    )
    # jsii surfaces the library's error as a RuntimeError carrying the TypeScript message
    with pytest.raises(RuntimeError) as raised:
        ClonedDisk(chart, "d", namespace="golden", source=CloneSource.from_golden_image(image), size="5Gi")
    assert '[test/d] size: "5Gi" must be at least the source\'s size "10Gi"' in str(raised.value)


def test_a_cross_namespace_clone_needs_its_creator(chart):
    with pytest.raises(RuntimeError) as raised:
        ClonedDisk(chart, "d", namespace="tenant-a", source=CloneSource.from_pvc("golden", "fedora"))
    assert "creator: undefined is required to clone from namespace" in str(raised.value)
