import { App, Chart } from 'cdk8s';
import {
  AccessMode, CloneSource, CloneStrategy, ClonedDisk, DiskCache, DiskIo, GoldenImage, ImageSource, KubeVirtVm, PerformanceProfile, VmDisk, VolumeMode,
} from '../../src';
import { describeBadInputs } from '../util/expect-error';
import { ManifestObject } from '../util/schema';
import { synthObjects } from '../util/synth';

function setup() {
  const app = new App();
  const images = new Chart(app, 'images', { namespace: 'golden-images' });
  const vms = new Chart(app, 'vms', { namespace: 'my-ns' });
  const fedora = new GoldenImage(images, 'fedora', {
    name: 'fedora',
    source: ImageSource.registry('docker://quay.io/containerdisks/fedora:40'),
    size: '10Gi',
    storageClass: 'ceph-block',
    volumeMode: VolumeMode.BLOCK,
    preallocation: true,
  });
  return { app, images, vms, fedora };
}
const find = (objects: ManifestObject[], kind: string) => objects.filter((o) => o.kind === kind);

describe('KubeVirtVm: a root disk cloned from a golden image', () => {
  test('a golden image of another namespace: the VM owns its clone, with the RBAC the clone needs', () => {
    // GIVEN a golden image in golden-images and a VM in my-ns
    const { app, vms, fedora } = setup();
    new KubeVirtVm(vms, 'vm', {
      name: 'my-vm',
      memory: '4Gi',
      rootDisk: VmDisk.fromClone(CloneSource.fromGoldenImage(fedora), { size: '20Gi', preallocation: true }),
    });

    // WHEN synthesized
    const objects = synthObjects(app);
    const vm = find(objects, 'VirtualMachine')[0];

    // THEN the clone is a dataVolumeTemplates entry: KubeVirt creates the DataVolume and deletes it with the VM
    expect(vm.spec.dataVolumeTemplates).toStrictEqual([{
      metadata: { name: 'my-vm-root' },
      spec: {
        sourceRef: { kind: 'DataSource', name: 'fedora', namespace: 'golden-images' },
        storage: { resources: { requests: { storage: '20Gi' } }, storageClassName: 'ceph-block', volumeMode: 'Block' },
        preallocation: true,
      },
    }]);
    // (the generated cloud-init network data comes last)
    expect(vm.spec.template.spec.volumes[0]).toStrictEqual({ name: 'root', dataVolume: { name: 'my-vm-root' } });
    expect(vm.spec.template.spec.domain.devices.disks[0]).toStrictEqual({ name: 'root', disk: { bus: 'virtio' }, bootOrder: 1 });
    // and KubeVirt authorizes the clone for the VM's service account (default in my-ns) in the source namespace
    const bindings = find(objects, 'RoleBinding');
    expect(bindings).toHaveLength(1);
    expect(bindings[0].metadata.namespace).toBe('golden-images');
    expect(bindings[0].roleRef).toStrictEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cdi.kubevirt.io:clone-sourcer' });
    expect(bindings[0].subjects).toStrictEqual([{ kind: 'ServiceAccount', name: 'default', namespace: 'my-ns' }]);
    // the grant is applied before the VM
    expect(Number(bindings[0].metadata.annotations!['argocd.argoproj.io/sync-wave'])).toBeLessThan(Number(vm.metadata.annotations!['argocd.argoproj.io/sync-wave']));
    expect(objects.filter((o) => ['VirtualMachine', 'RoleBinding'].includes(o.kind))).toMatchSnapshot();
  });

  test('with its own service account the VM is granted for that one, once for all its disks', () => {
    const { app, vms, fedora } = setup();
    new KubeVirtVm(vms, 'vm', {
      name: 'my-vm',
      memory: '4Gi',
      serviceAccountName: 'vm-runner',
      rootDisk: VmDisk.fromGoldenImage(fedora, { size: '20Gi' }),
      disks: [VmDisk.fromGoldenImage(fedora, { name: 'scratch' })],
    });
    const objects = synthObjects(app);
    const bindings = find(objects, 'RoleBinding');
    expect(bindings).toHaveLength(1);
    expect(bindings[0].subjects).toStrictEqual([{ kind: 'ServiceAccount', name: 'vm-runner', namespace: 'my-ns' }]);
    expect(find(objects, 'VirtualMachine')[0].spec.dataVolumeTemplates.map((t: any) => t.metadata.name)).toStrictEqual(['my-vm-root', 'my-vm-scratch']);
  });

  test('a golden image of the VM\'s own namespace needs no RoleBinding', () => {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: 'my-ns' });
    const image = new GoldenImage(chart, 'img', { name: 'img', source: ImageSource.http('https://mirror/fedora.qcow2'), size: '10Gi' });
    new KubeVirtVm(chart, 'vm', { name: 'vm', memory: '1Gi', rootDisk: VmDisk.fromGoldenImage(image) });
    const objects = synthObjects(app);
    expect(find(objects, 'RoleBinding')).toHaveLength(0);
    // the size is left to CDI, which takes the source's
    expect(find(objects, 'VirtualMachine')[0].spec.dataVolumeTemplates[0].spec.storage).toStrictEqual({});
  });

  test('a clone with a strategy that cannot happen says why in an annotation of its template', () => {
    const { app, vms, fedora } = setup();
    new KubeVirtVm(vms, 'vm', {
      name: 'vm',
      memory: '1Gi',
      rootDisk: VmDisk.fromGoldenImage(fedora, { storageClass: 'local-path', strategy: CloneStrategy.SNAPSHOT }),
    });
    const template = find(synthObjects(app), 'VirtualMachine')[0].spec.dataVolumeTemplates[0];
    expect(template.metadata.annotations['cdk8s-kubevirt.io/clone-strategy-fallback']).toContain('differs from the target\'s "local-path"');
  });

  test('the low-latency profile gives a preallocated clone native IO and cache none', () => {
    const { app, vms, fedora } = setup();
    new KubeVirtVm(vms, 'vm', {
      name: 'vm',
      memory: '4Gi',
      performance: PerformanceProfile.lowLatency(),
      rootDisk: VmDisk.fromGoldenImage(fedora, { preallocation: true, accessModes: [AccessMode.READ_WRITE_MANY] }),
    });
    const vm = find(synthObjects(app), 'VirtualMachine')[0];
    expect(vm.spec.template.spec.domain.devices.disks[0]).toStrictEqual({ name: 'root', disk: { bus: 'virtio' }, bootOrder: 1, cache: 'none', io: 'native' });
  });

  test('a standalone ClonedDisk of the VM\'s namespace is mounted, not owned', () => {
    const { app, vms } = setup();
    const disk = new ClonedDisk(vms, 'data', { name: 'data', source: CloneSource.fromPvc('my-ns', 'template-data'), size: '5Gi', preallocation: true });
    new KubeVirtVm(vms, 'vm', { name: 'vm', memory: '1Gi', disks: [VmDisk.fromClonedDisk(disk, { preallocated: true, cache: DiskCache.NONE, io: DiskIo.NATIVE })] });
    const vm = find(synthObjects(app), 'VirtualMachine')[0];
    expect(vm.spec.dataVolumeTemplates).toBeUndefined();
    expect(vm.spec.template.spec.volumes[0]).toStrictEqual({ name: 'disk1', dataVolume: { name: 'data' } });
  });
});

describeBadInputs('compute, cloned disks: bad inputs fail synthesis with their message', [
  {
    name: 'a clone smaller than its golden image',
    build: (c) => {
      const image = new GoldenImage(c, 'img', { name: 'img', source: ImageSource.http('https://mirror/f.qcow2'), size: '10Gi' });
      new KubeVirtVm(c, 'vm', { name: 'vm', memory: '1Gi', rootDisk: VmDisk.fromGoldenImage(image, { size: '5Gi' }) });
    },
    error: '[test/vm] rootDisk.size: "5Gi" must be at least the source\'s size "10Gi"',
  },
  {
    name: 'native IO on a clone that is not preallocated',
    build: (c) => new KubeVirtVm(c, 'vm', {
      name: 'vm', memory: '1Gi', rootDisk: VmDisk.fromClone(CloneSource.fromPvc('golden', 'fedora'), { io: DiskIo.NATIVE, cache: DiskCache.NONE }),
    }),
    error: '[test/vm] rootDisk.io: "native" needs a preallocated disk',
  },
  {
    name: 'a ClonedDisk of another namespace',
    build: (c) => {
      const disk = new ClonedDisk(c, 'data', { name: 'data', namespace: 'other', source: CloneSource.fromPvc('other', 'src'), size: '5Gi' });
      new KubeVirtVm(c, 'vm', { name: 'vm', namespace: 'my-ns', memory: '1Gi', disks: [VmDisk.fromClonedDisk(disk)] });
    },
    error: '[test/vm] disks[0].clonedDisk: "other/data" must be in the VM\'s namespace "my-ns"',
  },
]);
