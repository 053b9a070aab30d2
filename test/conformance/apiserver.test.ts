/**
 * The test control plane itself (test/util/apiserver.ts, conformance/): it starts, serves the project's CRDs,
 * refuses what a real cluster refuses with the server's own messages, enforces RBAC for impersonated users, quota
 * once a quota has a status, and ValidatingAdmissionPolicies once they are active.
 */
import * as fs from 'fs';
import { App, Chart } from 'cdk8s';
import { BridgeNetwork, Ipam, KubeVirtVm } from '../../src';
import { canonicalQuantity } from '../../src/core/quantity';
import { ApiError, KubeClient, processAlive, startApiServer, syncOrder, useApiServer } from '../util/apiserver';
import { ManifestObject } from '../util/schema';
import { synthObjects } from '../util/synth';

/** A VM on a bridge network of its own namespace, as the library writes it. */
function tenantVm(namespace: string, name: string): { vm: ManifestObject; nad: ManifestObject } {
  const app = new App();
  const chart = new Chart(app, 'c');
  const net = new BridgeNetwork(chart, 'net', { name: 'net', namespace, bridge: 'br1', vlan: 10, ipam: Ipam.whereabouts({ range: '10.10.0.0/24' }) });
  const vm = new KubeVirtVm(chart, 'vm', { name, namespace, memory: '1Gi' });
  vm.addNetwork(net, { name: 'net' });
  const objects = synthObjects(app);
  return { vm: objects.find((o) => o.kind === 'VirtualMachine')!, nad: objects.find((o) => o.kind === 'NetworkAttachmentDefinition')! };
}

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('the server admitted what it should have refused');
}

describe('the test control plane', () => {
  const server = useApiServer();
  let admin: KubeClient;
  beforeAll(async () => {
    admin = server().admin;
    await admin.applyCrds();
  }, 120_000);

  test('runs kube-apiserver v1.34.4 on 127.0.0.1 with its files in a private temporary directory', async () => {
    expect(server().url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await admin.call('GET', '/version')).gitVersion).toBe('v1.34.4');
    for (const file of [server().ca, server().cert, server().key, server().kubeconfig]) {
      expect(file.startsWith(server().dir)).toBe(true);
      expect(fs.existsSync(file)).toBe(true);
    }
    expect(processAlive(server().pid)).toBe(true);
  });

  test('serves every kind of the project\'s CRDs (discovery maps kind to resource)', async () => {
    expect(await admin.resource('kubevirt.io/v1', 'VirtualMachine')).toStrictEqual({ name: 'virtualmachines', namespaced: true });
    expect(await admin.resource('k8s.cni.cncf.io/v1', 'NetworkAttachmentDefinition')).toStrictEqual({ name: 'network-attachment-definitions', namespaced: true });
    expect(await admin.resource('nmstate.io/v1', 'NodeNetworkConfigurationPolicy')).toStrictEqual({ name: 'nodenetworkconfigurationpolicies', namespaced: false });
  });

  test('refuses a VirtualMachine with an unknown field, with the server\'s own message (strict field validation)', async () => {
    // GIVEN a VM the library writes, with one field KubeVirt does not have
    const { vm } = tenantVm('broken', 'vm');
    await admin.ensureNamespace('broken');
    vm.spec.template.spec.domain.bogus = true;
    // WHEN it is applied (dry run and for real) or created
    const applied = await refusal(admin.apply(vm, { dryRun: true }));
    const created = await refusal(admin.create(vm));
    // THEN the server refuses it and names the field
    expect(created.status).toBe(400);
    expect(applied.message).toContain('.spec.template.spec.domain.bogus: field not declared in schema');
    expect(created.message).toContain('unknown field "spec.template.spec.domain.bogus"');
    expect(await admin.tryGet(vm)).toBeUndefined();
  });

  test('refuses a Service with an invalid port, with the server\'s own message', async () => {
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'bad-port', namespace: 'default' },
      spec: { selector: { app: 'x' }, ports: [{ name: 'web', port: 70000, targetPort: 80 }] },
    };
    const e = await refusal(admin.apply(service, { dryRun: true }));
    expect(e.status).toBe(422);
    expect(e.reason).toBe('Invalid');
    expect(e.message).toContain('spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive');
  });

  test('a ResourceQuota limits nothing until it has a status (setQuotaStatus), then counts', async () => {
    // GIVEN a namespace with a quota of two VMs, applied but without a status (no quota controller runs)
    await admin.ensureNamespace('quota');
    await admin.apply({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'quota' }, spec: { hard: { 'count/virtualmachines.kubevirt.io': '2' } } } as ManifestObject);
    const vm = (name: string) => tenantVm('quota', name).vm;
    // THEN quota admission does not enforce it: it reads status.hard, which is empty
    for (const name of ['a', 'b', 'c']) await admin.create(vm(name), { dryRun: true });
    // WHEN the test gives the quota its status, THEN two VMs are admitted and the third exceeds the quota
    await admin.setQuotaStatus('quota', 'q');
    await admin.create(vm('a'));
    await admin.create(vm('b'));
    expect((await refusal(admin.create(vm('c')))).message).toContain('exceeded quota: q, requested: count/virtualmachines.kubevirt.io=1, used: count/virtualmachines.kubevirt.io=2, limited: count/virtualmachines.kubevirt.io=2');
    // and the quota's status counts them, as the quota controller would
    expect((await admin.get({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'quota' } })).status.used).toStrictEqual({ 'count/virtualmachines.kubevirt.io': '2' });
  });

  test('the library writes quantities of built-in kinds as the server stores them (canonicalQuantity)', async () => {
    // GIVEN quantities in every notation: SI, binary, exponent, fractions, sub-milli precision
    const values = [
      '0', '1', '20', '100', '1000', '2000', '1500', '1000k', '1M', '0.5', '0.1', '1.5', '100m', '1000m', '1500m', '0.0005',
      '0.0000000001', '1n', '1u', '1Ki', '512Ki', '1023Ki', '1024Ki', '1.5Ki', '1024Mi', '1536Mi', '1.5Gi', '128Gi', '2Ti', '0.5Gi',
      '1e3', '12e2', '1E3', '1e-3', '5e6', '128M', '64',
    ];
    // WHEN each is stored as a ResourceQuota's requests.cpu (dry run)
    const quota = (v: string) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'forms', namespace: 'default' }, spec: { hard: { 'requests.cpu': v } } }) as ManifestObject;
    const stored: string[][] = [];
    for (const v of values) stored.push([v, (await admin.apply(quota(v), { dryRun: true })).spec.hard['requests.cpu']]);
    // THEN the server's form is the library's canonical form, value for value
    expect(stored).toStrictEqual(values.map((v) => [v, canonicalQuantity(v)]));
  });

  test('an impersonated user has only the rights RBAC gives it', async () => {
    // GIVEN user alice, who may create VMs in namespace alice only
    const alice = server().as('alice', ['team-a']);
    await admin.applyAll(syncOrder([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'alice' } },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'vm-creator', namespace: 'alice' }, rules: [{ apiGroups: ['kubevirt.io'], resources: ['virtualmachines'], verbs: ['create', 'get'] }] },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'team-a', namespace: 'alice' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'vm-creator' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'team-a' }] },
    ] as ManifestObject[]));
    await admin.ensureNamespace('bob');
    // THEN she creates a VM in her namespace and is refused in another, by name
    await alice.create(tenantVm('alice', 'vm').vm);
    const e = await refusal(alice.create(tenantVm('bob', 'vm').vm));
    expect(e.status).toBe(403);
    expect(e.message).toContain('User "alice" cannot create resource "virtualmachines" in API group "kubevirt.io" in the namespace "bob"');
  });

  test('a ValidatingAdmissionPolicy refuses a tenant\'s VM with the policy\'s message, and admits one that keeps the rule', async () => {
    // GIVEN a policy: a VM attaches only to networks of its own namespace, bound to namespaces labelled tenant
    const policy = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'own-networks' },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [{ apiGroups: ['kubevirt.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['virtualmachines'] }] },
        validations: [{
          expression: "!has(object.spec.template.spec.networks) || object.spec.template.spec.networks.all(n, !has(n.multus) || !n.multus.networkName.contains('/') || n.multus.networkName.startsWith(object.metadata.namespace + '/'))",
          message: 'a VM attaches only to networks of its own namespace',
        }],
      },
    };
    const binding = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'own-networks' },
      spec: { policyName: 'own-networks', validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { 'example.com/tenant': 'true' } } } },
    };
    const tenant = server().as('carol', ['tenant-c']);
    const { vm: good, nad } = tenantVm('tenant-c', 'good');
    const bad = structuredClone(tenantVm('tenant-c', 'bad').vm);
    bad.spec.template.spec.networks = bad.spec.template.spec.networks.map((n: any) => (n.multus ? { ...n, multus: { networkName: 'tenant-d/net' } } : n));
    await admin.applyAll([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tenant-c', labels: { 'example.com/tenant': 'true' } } },
      nad,
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'tenant-c', namespace: 'tenant-c' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'tenant-c' }] },
      policy, binding,
    ] as ManifestObject[]);
    // the ClusterRole admin aggregates no KubeVirt rights here (no controller aggregates roles); grant them directly
    await admin.apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'vms', namespace: 'tenant-c' }, rules: [{ apiGroups: ['kubevirt.io'], resources: ['virtualmachines'], verbs: ['*'] }] } as ManifestObject);
    await admin.apply({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'vms', namespace: 'tenant-c' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'vms' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'tenant-c' }] } as ManifestObject);
    // WHEN the policy is active (about a second after it was created)
    const started = Date.now();
    await admin.waitForPolicy('own-networks', bad, { as: tenant });
    expect(Date.now() - started).toBeLessThan(30_000);
    // THEN the tenant's VM on another tenant's network is refused with the policy's message
    const e = await refusal(tenant.create(bad));
    expect(e.status).toBe(422);
    expect(e.message).toBe("virtualmachines.kubevirt.io \"bad\" is forbidden: ValidatingAdmissionPolicy 'own-networks' with binding 'own-networks' denied request: a VM attaches only to networks of its own namespace");
    // and the VM on its own network is admitted
    const created = await tenant.create(good);
    expect(created.metadata.uid).toBeDefined();
  });
});

describe('starting and stopping', () => {
  test('stop() ends the process and removes its temporary directory', async () => {
    const server = await startApiServer();
    expect(processAlive(server.pid)).toBe(true);
    expect(fs.existsSync(server.dir)).toBe(true);
    await server.stop();
    expect(processAlive(server.pid)).toBe(false);
    expect(fs.existsSync(server.dir)).toBe(false);
  }, 120_000);
});
