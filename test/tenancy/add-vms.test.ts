import { Chart } from 'cdk8s';
import { GitOpsApp, GoldenImage, ImageSource, Ipam, IsolatedTenant, SharedCephNetwork, TenantVmGroupProps, VmDisk } from '../../src';
import { describeBadInputs } from '../util/expect-error';
import { synthObjects } from '../util/synth';

/** A tenant with the storage network granted and a golden image to clone from, in a fresh app. */
function estate() {
  const app = new GitOpsApp();
  const chart = new Chart(app, 'c');
  const storage = new SharedCephNetwork(chart, 'storage', { bridge: 'br1', vlan: 100, range: '192.168.0.0/16' });
  const image = new GoldenImage(chart, 'img', {
    name: 'fedora', namespace: 'golden', source: ImageSource.http('https://images.example.com/f.qcow2'), size: '10Gi', storageClass: 'ceph-block',
  });
  const tenant = new IsolatedTenant(chart, 't', {
    name: 't',
    defaultNetwork: { name: 'net', bridge: 'br1', vlan: 1000, ipam: Ipam.whereabouts({ range: '10.0.0.0/24', gateway: '10.0.0.1', routes: [{ destination: '0.0.0.0/0', gateway: '10.0.0.1' }] }) },
    sharedNetworks: [storage],
    dnsServers: ['10.0.0.53'],
    allowPodNetwork: true,
  });
  const props: TenantVmGroupProps = {
    cpu: 2, memory: '4Gi', openPodNetwork: true, networks: [{ network: storage, name: 'storage' }], rootDisk: VmDisk.fromGoldenImage(image, { size: '20Gi' }),
  };
  return { app, tenant, props };
}

describe('IsolatedTenant.addVms: a group of alike VMs in one call', () => {
  test('writes exactly what addVm and exposeViaService per VM write', () => {
    // GIVEN the same estate built twice, once VM by VM and once as a group
    const one = estate();
    for (const name of ['web-1', 'web-2', 'web-3']) one.tenant.addVm(name, { ...one.props, name }).exposeViaService();
    const group = estate();
    // WHEN the group is added with one call
    const vms = group.tenant.addVms(['web-1', 'web-2', 'web-3'], { ...group.props, service: {} });
    // THEN the manifests are the same, and the VMs come back in order
    expect(synthObjects(group.app)).toStrictEqual(synthObjects(one.app));
    expect(vms.map((v) => `${v.namespace}/${v.name}`)).toStrictEqual(['t/web-1', 't/web-2', 't/web-3']);
    expect(vms.map((v) => v.node.id)).toStrictEqual(['web-1', 'web-2', 'web-3']);
  });

  test('without `service`, the VMs get no Service', () => {
    const { app, tenant, props } = estate();
    tenant.addVms(['db-1', 'db-2'], props);
    expect(synthObjects(app).filter((o) => o.kind === 'Service')).toStrictEqual([]);
  });

  test('an empty group adds nothing', () => {
    const { tenant, props } = estate();
    expect(tenant.addVms([], props)).toStrictEqual([]);
  });
});

describeBadInputs('tenancy: bad groups of VMs fail with their message', [
  {
    name: 'a name in the props of a group',
    build: () => {
      const { tenant, props } = estate();
      tenant.addVms(['a', 'b'], { ...props, name: 'x' });
    },
    error: '[c/t] props.name: "x" cannot be set for a group of VMs: each VM is named by its entry in names',
  },
  {
    name: 'a name that is not a DNS-1123 label in a group (the same error as addVm)',
    build: () => {
      const { tenant, props } = estate();
      tenant.addVms(['ok', 'Not_OK'], props);
    },
    error: /\[c\/t\/Not_OK\] name: "Not_OK" must be a DNS-1123 label/,
  },
]);
