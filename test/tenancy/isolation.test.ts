import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import {
  CapkCluster, CephNetworkProvider, ClusterComponent, ClusterPrerequisites, GoldenImage, ImageSource, Ipam, IsolatedTenant, KubeVirtVm,
  NodeBridgePolicy, SharedCephNetwork, SharedNetworkAccess, VmDisk, VmDns,
} from '../../src';
import { expectLibraryError, synthError } from '../util/expect-error';
import { ManifestObject } from '../util/schema';
import { synthObjects } from '../util/synth';

// Tenant isolation that holds in a real cluster, not only at synth time (issue 11): the tenancy rules as
// ValidatingAdmissionPolicies, NetworkPolicies that let CDI work and nothing else in, a layout for Multus
// namespace isolation, and the tenant's parameters written where the tenant cannot change them.

const find = (objects: ManifestObject[], kind: string, name?: string) =>
  objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));

/** Two tenants of the talk on br1, granted the storage network (Ceph on the host network), VMs cloned from a golden image. */
function talk(props: { access?: SharedNetworkAccess; context?: Record<string, unknown> } = {}) {
  const app = new App();
  for (const [k, v] of Object.entries(props.context ?? {})) app.node.setContext(k, v);
  const infra = new Chart(app, 'infra');
  new NodeBridgePolicy(infra, 'br1', { bridge: 'br1', uplink: 'bond0', mtu: 9000, nodeSelector: { 'kubevirt.io/schedulable': 'true' } });
  const storage = new SharedCephNetwork(infra, 'ceph', { bridge: 'br1', vlan: 100, mtu: 9000, range: '192.168.100.0/24', nodeRange: '192.168.100.0/28', provider: CephNetworkProvider.HOST });
  const images = new Chart(app, 'images', { namespace: 'golden-images' });
  const image = new GoldenImage(images, 'ubuntu', { name: 'ubuntu', source: ImageSource.http('https://images.example.com/ubuntu.qcow2'), size: '10Gi', storageClass: 'ceph-block' });
  const chart = new Chart(app, 'tenants');
  const tenants = (['a', 'b'] as const).map((t, i) => {
    const tenant = new IsolatedTenant(chart, `tenant-${t}`, {
      name: `tenant-${t}`,
      defaultNetwork: { name: 'net', bridge: 'br1', vlan: 2001 + i, ipam: Ipam.whereabouts({ range: `10.20${i + 1}.0.0/24`, routes: [{ destination: '0.0.0.0/0', gateway: `10.20${i + 1}.0.1` }] }) },
      sharedNetworks: [storage],
      dnsServers: [`10.20${i + 1}.0.53`],
      sharedNetworkAccess: props.access,
    });
    tenant.addVm('web', { name: 'web', memory: '2Gi', networks: [{ network: storage, name: 'storage' }], rootDisk: VmDisk.fromGoldenImage(image) });
    return tenant;
  });
  return { app, storage, tenants };
}

describe('the tenancy rules, enforced by the cluster: ValidatingAdmissionPolicies', () => {
  // GIVEN the talk's two tenants
  const { app } = talk();
  // WHEN synthesized (every object passes the kubernetes-models validators, strict: see test/util/schema.ts)
  const objects = synthObjects(app);
  const policies = find(objects, 'ValidatingAdmissionPolicy');
  const bindings = find(objects, 'ValidatingAdmissionPolicyBinding');

  test('snapshot of the policies and bindings', () => {
    expect([...policies, ...bindings]).toMatchSnapshot();
  });

  test('one policy for VMs and VMIs and one for DataVolumes and PVCs, each bound once to every enforced tenant namespace', () => {
    // Before, nothing stopped a tenant from naming rook-ceph/ceph-public or another tenant's NAD in a VM.
    expect(policies.map((p) => p.metadata.name)).toStrictEqual(['cdk8s-kubevirt-tenant-vms', 'cdk8s-kubevirt-tenant-volumes']);
    expect(policies[0].spec.matchConstraints.resourceRules).toStrictEqual([{
      apiGroups: ['kubevirt.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['virtualmachines', 'virtualmachineinstances'],
    }]);
    expect(policies[1].spec.matchConstraints.resourceRules.map((r: any) => r.resources)).toStrictEqual([['datavolumes'], ['persistentvolumeclaims']]);
    for (const p of policies) expect(p.spec.failurePolicy).toBe('Fail');
    expect(bindings.map((b) => b.spec)).toStrictEqual(['cdk8s-kubevirt-tenant-vms', 'cdk8s-kubevirt-tenant-volumes'].map((policyName) => ({
      policyName, validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { 'kubevirt.cdk8s.io/admission': 'enforced' } } },
    })));
    // Cluster-scoped, and in place before any tenant object (same wave as the namespaces).
    for (const o of [...policies, ...bindings]) {
      expect(o.metadata.namespace).toBeUndefined();
      expect(o.metadata.annotations!['argocd.argoproj.io/sync-wave']).toBe('-25');
    }
  });

  test('the VM policy has a rule for each escape, and each message names the rule', () => {
    const messages = policies[0].spec.validations.map((v: any) => v.messageExpression.match(/^'tenant ([a-z ]+) rule: /)?.[1]);
    expect(messages).toStrictEqual(['network', 'default network', 'pod network', 'pod binding', 'host device', 'host disk', 'annotation', 'clone source', 'placement']);
    // Updates are judged only when the spec changed, so KubeVirt's own status updates of a VMI pass.
    expect(policies[0].spec.matchConditions).toStrictEqual([{ name: 'spec-changed', expression: "request.operation == 'CREATE' || !has(oldObject.spec) || object.spec != oldObject.spec" }]);
  });

  test('every field matches the Kubernetes v1.34 OpenAPI document (../shared/k8s-openapi/swagger.json)', () => {
    for (const p of policies) expect(swaggerViolations(p, 'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicy')).toStrictEqual([]);
    for (const b of bindings) expect(swaggerViolations(b, 'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyBinding')).toStrictEqual([]);
  });

  test('each tenant\'s rules are annotations of its Namespace, which its Role cannot change', () => {
    const ns = find(objects, 'Namespace', 'tenant-a')[0];
    expect(ns.metadata.labels).toStrictEqual({ 'kubevirt.cdk8s.io/tenant': 'tenant-a', 'kubevirt.cdk8s.io/admission': 'enforced' });
    expect(ns.metadata.annotations).toStrictEqual({
      'argocd.argoproj.io/sync-wave': '-25',
      'kubevirt.cdk8s.io/allowed-networks': 'rook-ceph/ceph,tenant-a/net',
      'kubevirt.cdk8s.io/default-network': 'tenant-a/net',
      'kubevirt.cdk8s.io/pod-network': 'denied',
      'kubevirt.cdk8s.io/clone-source-namespaces': 'golden-images',
      'kubevirt.cdk8s.io/node-selector': 'kubevirt.io/schedulable=true',
    });
    // The VMs the library writes keep every rule it asks the cluster to enforce.
    const vm = find(objects, 'VirtualMachine').find((o) => o.metadata.namespace === 'tenant-a')!;
    const spec = vm.spec.template.spec;
    expect(spec.networks.map((n: any) => n.multus.networkName)).toStrictEqual(['tenant-a/net', 'rook-ceph/ceph']);
    expect(spec.nodeSelector).toStrictEqual({ 'kubevirt.io/schedulable': 'true' });
    expect(vm.spec.dataVolumeTemplates[0].spec.sourceRef.namespace).toBe('golden-images');
  });

  test('what tenants need from the cluster is registered: Kubernetes v1.30 (policies v1), a NetworkPolicy CNI, CDI\'s namespace', () => {
    expect(ClusterPrerequisites.of(app).minimumVersions).toMatchObject({ [ClusterComponent.KUBERNETES]: 'v1.30.0' });
    const requirements = ClusterPrerequisites.of(app).all.filter((p) => [ClusterComponent.KUBERNETES, ClusterComponent.CDI].includes(p.component))
      .map((p) => [p.kind, p.component, p.requirement, p.neededBy]);
    expect(requirements).toStrictEqual([
      ['version', 'kubernetes', 'v1.30.0', ['tenants/tenant-a', 'tenants/tenant-b']],
      ['configuration', 'cdi', 'CDI installed in namespace cdi', ['tenants/tenant-a', 'tenants/tenant-b']],
      ['configuration', 'kubernetes', 'a pod network (CNI) that enforces NetworkPolicy', ['tenants/tenant-a', 'tenants/tenant-b']],
    ]);
  });
});

describe('network policies let CDI serve the tenant\'s disks, and nothing else in from outside', () => {
  const objects = synthObjects(talk().app).filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === 'tenant-a');
  const https = [{ port: 8443, protocol: 'TCP' }];
  const from = (namespace: string, component: string) => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
    podSelector: { matchLabels: { 'cdi.kubevirt.io': component } },
  });

  test('the upload server takes the upload proxy and the clone source pods of the image namespace', () => {
    // Before, ingress only from the namespace's own pods blocked host-assisted clones and uploads (CDI v1.66.0:
    // the clone source pod in the image namespace and cdi-uploadproxy connect to the upload server on 8443).
    const [upload] = find(objects, 'NetworkPolicy', 'tenant-cdi-upload');
    expect(upload.spec).toStrictEqual({
      podSelector: { matchLabels: { 'cdi.kubevirt.io': 'cdi-upload-server' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [from('cdi', 'cdi-uploadproxy')], ports: https }, { from: [from('golden-images', 'cdi-clone-source')], ports: https }],
    });
  });

  test('CDI\'s controller reads import and clone progress; everything else stays same-namespace only', () => {
    const [progress] = find(objects, 'NetworkPolicy', 'tenant-cdi-progress');
    expect(progress.spec).toStrictEqual({
      podSelector: { matchLabels: { 'prometheus.cdi.kubevirt.io': 'true' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [from('cdi', 'cdi-deployment')], ports: https }],
    });
    expect(find(objects, 'NetworkPolicy', 'tenant-isolation')[0].spec.ingress).toStrictEqual([{ from: [{ podSelector: {} }] }]);
    expect(objects.map((o) => o.metadata.name)).toStrictEqual(['tenant-isolation', 'tenant-cdi-upload', 'tenant-cdi-progress']);
  });
});

describe('a layout for Multus namespace isolation: the shared network offered in each tenant namespace', () => {
  // GIVEN the app declares that Multus runs with namespaceIsolation
  const { app, storage, tenants } = talk({ context: { [KubeVirtVm.MULTUS_NAMESPACE_ISOLATION_CONTEXT]: true } });
  const objects = synthObjects(app);

  test('the VM side of the storage network is a NAD of each tenant namespace: same bridge, VLAN, pool, isolation and MAC check', () => {
    expect(tenants.map((t) => t.sharedNetworkAccess)).toStrictEqual([SharedNetworkAccess.TENANT_NAMESPACE, SharedNetworkAccess.TENANT_NAMESPACE]);
    const original = JSON.parse(find(objects, 'NetworkAttachmentDefinition').find((n) => n.metadata.namespace === 'rook-ceph')!.spec.config).plugins[0];
    for (const t of ['tenant-a', 'tenant-b']) {
      const copy = find(objects, 'NetworkAttachmentDefinition').find((n) => n.metadata.namespace === t && n.metadata.name === 'ceph')!;
      const { ...plugin } = JSON.parse(copy.spec.config).plugins[0];
      expect(plugin).toStrictEqual(original);
      expect(copy.metadata.labels).toStrictEqual({ 'kubevirt.cdk8s.io/tenant': t });
    }
  });

  test('tenant VMs name their own namespace\'s copy, which Multus namespaceIsolation admits, and the policy allows only that', () => {
    for (const vm of find(objects, 'VirtualMachine')) {
      const ns = vm.metadata.namespace!;
      expect(vm.spec.template.spec.networks.map((n: any) => n.multus.networkName)).toStrictEqual([`${ns}/net`, `${ns}/ceph`]);
      expect(find(objects, 'Namespace', ns)[0].metadata.annotations!['kubevirt.cdk8s.io/allowed-networks']).toBe(`${ns}/ceph,${ns}/net`);
    }
    expect(tenants[0].sharedNetworkFor(storage)!.reference).toBe('tenant-a/ceph');
  });

  test('the plan says Multus must run with namespaceIsolation and no tenant or shared namespace global', () => {
    expect(ClusterPrerequisites.of(app).all.filter((p) => p.component === ClusterComponent.MULTUS).map((p) => p.requirement))
      .toStrictEqual(['namespaceIsolation: true, with no tenant namespace and no shared network namespace in globalNamespaces']);
  });
});

describe('cluster nodes on the storage network need Ceph monitors they can reach', () => {
  test('CAPK node VMs on their tenant network (no pod network) are refused on a Multus-provider storage network, naming the fix', () => {
    // Before, a cluster's isolated nodes were attached to the storage network although their in-guest Ceph CSI
    // could never reach the monitors (Rook: with Multus they listen on the pod network only).
    const error = synthError((chart) => {
      const ceph = new SharedCephNetwork(chart, 'ceph', { bridge: 'br1', vlan: 100, range: '192.168.100.0/24' });
      const tenant = new IsolatedTenant(chart, 'tenant', {
        name: 'cluster-1',
        defaultNetwork: { name: 'nodes', bridge: 'br1', vlan: 1234, ipam: Ipam.whereabouts({ range: '10.250.1.0/24', exclude: ['10.250.1.10/32'], routes: [{ destination: '0.0.0.0/0', gateway: '10.250.1.1' }] }) },
        sharedNetworks: [ceph],
      });
      const machine = {
        cpu: 2,
        memory: '4Gi',
        dns: VmDns.custom({ nameservers: ['10.250.1.53'] }),
        networks: [{ network: tenant.defaultNetwork, name: 'nodes', isDefault: true }, { network: ceph, name: 'storage' }],
        rootDisk: VmDisk.blank('20Gi'),
      };
      new CapkCluster(chart, 'cluster-1', {
        name: 'cluster-1', namespace: 'cluster-1', kubernetesVersion: '1.33.4', controlPlane: { machine }, controlPlaneEndpoint: { host: '10.250.1.10' },
      });
    });
    expectLibraryError(error, /\[test\/cluster-1\/controlPlane.machine\] networks\[1\]: "rook-ceph\/ceph" cannot work for a VM without the pod network: .* use CephNetworkProvider.HOST/);
  });
});

describe('opting out of admission enforcement', () => {
  test('a tenant with enforceAtAdmission off is neither labelled nor annotated, and no policy is written for it alone', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    new IsolatedTenant(chart, 't', { name: 't', defaultNetwork: { bridge: 'br1', vlan: 10 }, enforceAtAdmission: false });
    const objects = synthObjects(app);
    expect(find(objects, 'Namespace')[0].metadata).toStrictEqual({ name: 't', labels: { 'kubevirt.cdk8s.io/tenant': 't' }, annotations: { 'argocd.argoproj.io/sync-wave': '-25' } });
    expect(objects.filter((o) => o.kind.startsWith('ValidatingAdmissionPolicy'))).toStrictEqual([]);
  });
});

/**
 * Every place where `value` does not fit the OpenAPI (v2) definition `name` of ../shared/k8s-openapi/swagger.json:
 * fields the definition does not declare, required fields that are missing, and primitives of the wrong type.
 */
function swaggerViolations(value: unknown, name: string): string[] {
  const swagger = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'shared', 'k8s-openapi', 'swagger.json'), 'utf8'));
  const out: string[] = [];
  const walk = (v: any, schema: any, at: string): void => {
    if (schema.$ref) return walk(v, swagger.definitions[schema.$ref.replace('#/definitions/', '')], at);
    if (schema.type === 'array') {
      if (!Array.isArray(v)) out.push(`${at}: not an array`);
      else v.forEach((item, i) => walk(item, schema.items, `${at}/${i}`));
    } else if (schema.type === 'object' || schema.properties) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return void out.push(`${at}: not an object`);
      for (const req of schema.required ?? []) if (!(req in v)) out.push(`${at}: missing ${req}`);
      for (const [k, child] of Object.entries(v)) {
        if (schema.properties?.[k]) walk(child, schema.properties[k], `${at}/${k}`);
        else if (schema.additionalProperties) walk(child, schema.additionalProperties, `${at}/${k}`);
        else out.push(`${at}: unknown field ${k}`);
      }
    } else if (schema.type === 'string' && typeof v !== 'string') {
      out.push(`${at}: not a string`);
    } else if ((schema.type === 'integer' && !Number.isInteger(v)) || (schema.type === 'boolean' && typeof v !== 'boolean')) {
      out.push(`${at}: not ${schema.type}`);
    }
  };
  walk(value, swagger.definitions[name], '');
  return out;
}
