import { Chart } from 'cdk8s';
import {
  BridgeNetwork, GitOpsApp, GoldenImageCatalogStack, HighPerformanceVmStack, ImageSource, MultiTenantVmStack, ShootClustersStack,
} from '../../src';
import { describeBadInputs } from '../util/expect-error';

const registry = ImageSource.registry('docker://quay.io/containerdisks/fedora:40');

// Rows for the error sites of the stacks (see docs/errors.md). Each stack checks its lists before it builds
// anything, so the other props do not matter here.
describeBadInputs('stacks: bad inputs fail synthesis with their message', [
  {
    name: 'GitOpsApp reports every app-wide problem together',
    build: () => {
      const app = new GitOpsApp();
      const chart = new Chart(app, 'x');
      new BridgeNetwork(chart, 'a', { bridge: 'br1', vlan: 5 });
      new BridgeNetwork(chart, 'b', { namespace: 'other', bridge: 'br1', vlan: 5 });
      app.synthYaml();
    },
    error: 'Validation failed with the following errors:',
  },
  {
    name: 'catalog with two images of one name (an import and an upload)',
    build: (_c, app) => new GoldenImageCatalogStack(app, 'cat', {
      namespace: 'golden',
      storageClass: 'ceph-block',
      images: [{ name: 'fedora', source: registry, size: '10Gi' }],
      uploadImages: [{ name: 'fedora', size: '10Gi' }],
    }),
    error: '[cat] images: "fedora" is listed twice; image names are unique in a catalog',
  },
  {
    name: 'catalog clone of an image the catalog does not have',
    build: (_c, app) => new GoldenImageCatalogStack(app, 'cat', {
      namespace: 'golden',
      storageClass: 'ceph-block',
      images: [{ name: 'fedora', source: registry, size: '10Gi' }],
      clones: [{ name: 'vm1-root', namespace: 'golden', image: 'ubuntu' }],
    }),
    error: '[cat] clones.vm1-root.image: "ubuntu" is not an image of this catalog (fedora)',
  },
  {
    name: 'high-performance stack without VMs',
    build: (_c, app) => new HighPerformanceVmStack(app, 'hp', { vms: [] } as any),
    error: '[hp] vms: [] must list at least one VM',
  },
  {
    name: 'multi-tenant stack without tenants',
    build: (_c, app) => new MultiTenantVmStack(app, 'mt', { tenants: [] } as any),
    error: '[mt] tenants: [] must list at least one tenant',
  },
  {
    name: 'shoot stack without shoots',
    build: (_c, app) => new ShootClustersStack(app, 'sc', { shoots: [] } as any),
    error: '[sc] shoots: [] must list at least one shoot',
  },
]);
