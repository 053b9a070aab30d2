import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Service } from 'kubernetes-models/v1/Service';
import {
  describeObject, formatViolation, isKnownKind, ManifestObject, manifestsViolations, ManifestValidationError,
  manifestViolations, validateAll, validateManifest,
} from './util/schema';
import { parseManifest, synthChartObjects, synthObjects } from './util/synth';

/** A complete, valid VirtualMachine on the pod network plus one Multus bridge network. */
function virtualMachine(): ManifestObject {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name: 'my-vm', namespace: 'my-ns', labels: { 'app.kubernetes.io/name': 'my-vm' }, annotations: { 'example.com/note': 'free text: any value' } },
    spec: {
      runStrategy: 'Always',
      template: {
        metadata: { labels: { 'kubevirt.io/vm': 'my-vm' } },
        spec: {
          domain: {
            cpu: { cores: 2, sockets: 1, threads: 1 },
            memory: { guest: '4Gi' },
            resources: { requests: { memory: '4Gi', cpu: '500m' } },
            devices: {
              disks: [{ name: 'root', disk: { bus: 'virtio' } }],
              interfaces: [
                { name: 'default', masquerade: {} },
                { name: 'lan', bridge: {}, macAddress: '02:00:00:00:00:01' },
              ],
            },
          },
          networks: [
            { name: 'default', pod: {} },
            { name: 'lan', multus: { networkName: 'my-ns/my-bridge' } },
          ],
          volumes: [{ name: 'root', dataVolume: { name: 'my-vm-root' } }],
        },
      },
    },
  };
}

type Json = any;

/** A copy of the valid VM with `mutate` applied. */
function vmWith(mutate: (vm: Json) => void): ManifestObject {
  const vm = virtualMachine();
  mutate(vm);
  return vm;
}

function messagesOf(obj: unknown): string[] {
  return manifestViolations(obj).map(formatViolation);
}

function service(): ManifestObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'my-ns' },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
  };
}

function roleBinding(): ManifestObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'vm-operators', namespace: 'my-ns' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kubevirt.io:edit' },
    subjects: [
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'tenant-a:operators' },
      { kind: 'ServiceAccount', name: 'automation', namespace: 'my-ns' },
    ],
  };
}

describe('custom resources are checked against their CRD', () => {
  test('a valid VirtualMachine passes', () => {
    expect(manifestViolations(virtualMachine())).toEqual([]);
    expect(() => validateManifest(virtualMachine())).not.toThrow();
  });

  test('a wrongly typed field fails with object, JSON path and rule', () => {
    // GIVEN a VirtualMachine whose `running` is a string
    const vm = vmWith(v => { v.spec.running = 'yes'; });

    // THEN validation names the object, the path and the rule
    expect(() => validateManifest(vm)).toThrow(ManifestValidationError);
    expect(() => validateManifest(vm)).toThrow('VirtualMachine my-ns/my-vm: /spec/running: must be boolean');
  });

  test('an interface binding of the wrong type fails', () => {
    const vm = vmWith(v => { v.spec.template.spec.domain.devices.interfaces[0].masquerade = true; });

    expect(messagesOf(vm)).toEqual([
      'VirtualMachine my-ns/my-vm: /spec/template/spec/domain/devices/interfaces/0/masquerade: must be object',
    ]);
  });

  test('the error lists every violation with its structured parts', () => {
    const vm = vmWith(v => {
      v.spec.running = 'yes';
      v.spec.template.spec.networks[1].multus = {};
    });

    let error: unknown;
    try {
      validateManifest(vm);
    } catch (e) {
      error = e;
    }

    expect(error).toBeInstanceOf(ManifestValidationError);
    expect((error as ManifestValidationError).violations).toEqual(expect.arrayContaining([
      { object: 'VirtualMachine my-ns/my-vm', path: '/spec/running', message: 'must be boolean' },
      { object: 'VirtualMachine my-ns/my-vm', path: '/spec/template/spec/networks/1/multus', message: "must have required property 'networkName'" },
    ]));
    expect((error as Error).message).toMatch(/^2 schema violation\(s\) in 1 object\(s\):\n/);
  });

  test('an unknown field fails, as with kubectl --validate=strict', () => {
    const vm = vmWith(v => { v.spec.template.spec.domain.foo = 'bar'; });

    expect(messagesOf(vm)).toEqual(['VirtualMachine my-ns/my-vm: /spec/template/spec/domain/foo: unknown field "foo"']);
  });

  test('an object without declared properties admits no fields (the API server would prune them)', () => {
    const vm = vmWith(v => { v.spec.template.spec.domain.devices.interfaces[0].masquerade = { ports: [80] }; });

    expect(messagesOf(vm)).toEqual([
      'VirtualMachine my-ns/my-vm: /spec/template/spec/domain/devices/interfaces/0/masquerade/ports: unknown field "ports"',
    ]);
  });

  test('a missing required field fails', () => {
    const vm = vmWith(v => { delete v.spec.template; });

    expect(messagesOf(vm)).toEqual(["VirtualMachine my-ns/my-vm: /spec: must have required property 'template'"]);
  });

  test('int-or-string fields accept integers and strings, and strings must match the pattern', () => {
    const asInteger = vmWith(v => { v.spec.template.spec.domain.resources.requests = { memory: 4294967296, cpu: 2 }; });
    const asString = vmWith(v => { v.spec.template.spec.domain.resources.requests = { memory: '4Gi', cpu: '2' }; });
    const asBoolean = vmWith(v => { v.spec.template.spec.domain.resources.requests.memory = true; });
    const badQuantity = vmWith(v => { v.spec.template.spec.domain.memory.guest = '4 gigabytes'; });

    expect(manifestViolations(asInteger)).toEqual([]);
    expect(manifestViolations(asString)).toEqual([]);
    expect(messagesOf(asBoolean)).toEqual([
      'VirtualMachine my-ns/my-vm: /spec/template/spec/domain/resources/requests/memory: must be integer or string',
    ]);
    expect(messagesOf(badQuantity)).toEqual([
      expect.stringMatching(/^VirtualMachine my-ns\/my-vm: \/spec\/template\/spec\/domain\/memory\/guest: must match pattern /),
    ]);
  });

  test('a preserve-unknown-fields region accepts anything', () => {
    const vm = vmWith(v => {
      v.spec.template.metadata = { labels: { a: 'b' }, anything: { nested: [1, 'two', { three: null }] } };
      v.spec.template.spec.domain.clock = { utc: {}, madeUp: { deeply: { nested: true } } };
    });

    expect(manifestViolations(vm)).toEqual([]);
  });

  test('declared fields inside a preserve-unknown-fields object are still checked', () => {
    const vm = vmWith(v => { v.spec.template.spec.domain.clock = { timezone: 5, madeUp: 1 }; });

    expect(messagesOf(vm)).toEqual(['VirtualMachine my-ns/my-vm: /spec/template/spec/domain/clock/timezone: must be string']);
  });

  test('nullable fields accept null, other fields do not', () => {
    const nullTemplateMetadata = vmWith(v => { v.spec.template.metadata = null; });
    const nullDomain = vmWith(v => { v.spec.template.spec.domain = null; });

    expect(manifestViolations(nullTemplateMetadata)).toEqual([]);
    expect(messagesOf(nullDomain)).toEqual(['VirtualMachine my-ns/my-vm: /spec/template/spec/domain: must not be null: the field is not nullable (the API server would drop it)']);
  });

  test('list-type=map lists reject duplicate keys', () => {
    const constraint = { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' };
    const vm = vmWith(v => { v.spec.template.spec.topologySpreadConstraints = [constraint, { ...constraint, maxSkew: 2 }]; });

    expect(messagesOf(vm)).toEqual([
      expect.stringMatching(/^VirtualMachine my-ns\/my-vm: \/spec\/template\/spec\/topologySpreadConstraints\/1: duplicate entry \(topologyKey="kubernetes.io\/hostname", whenUnsatisfiable="DoNotSchedule"\)/),
    ]);
  });

  test('int32 fields are range-checked', () => {
    const vm = vmWith(v => { v.spec.template.spec.domain.cpu.cores = 2 ** 31; });

    expect(messagesOf(vm)).toEqual(['VirtualMachine my-ns/my-vm: /spec/template/spec/domain/cpu/cores: must match format "int32"']);
  });

  test('an enum is reported with its allowed values; a nullable enum also admits null', () => {
    const dv = (contentType: unknown) => ({
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: { name: 'root', namespace: 'my-ns' },
      spec: { contentType, source: { blank: {} }, storage: { accessModes: ['ReadWriteMany'], volumeMode: 'Block', resources: { requests: { storage: '10Gi' } } } },
    });
    const pool = (compressionMode: unknown) => ({
      apiVersion: 'ceph.rook.io/v1',
      kind: 'CephBlockPool',
      metadata: { name: 'vms', namespace: 'rook-ceph' },
      spec: { failureDomain: 'host', replicated: { size: 3 }, compressionMode },
    });

    expect(manifestViolations(dv('kubevirt'))).toEqual([]);
    expect(messagesOf(dv('qcow2'))).toEqual(['DataVolume my-ns/root: /spec/contentType: must be one of "kubevirt", "archive"']);
    expect(messagesOf(dv(null))).toEqual(['DataVolume my-ns/root: /spec/contentType: must not be null: the field is not nullable (the API server would drop it)']);
    expect(manifestViolations(pool(null))).toEqual([]);
    expect(messagesOf(pool('zstd'))).toEqual([expect.stringMatching(/^CephBlockPool rook-ceph\/vms: \/spec\/compressionMode: must be one of "none", /)]);
  });

  test('a NetworkAttachmentDefinition config must be a string holding CNI configuration JSON', () => {
    const nad = (config: unknown) => ({
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: { name: 'my-bridge', namespace: 'my-ns' },
      spec: { config },
    });
    const list = { cniVersion: '0.4.0', name: 'my-bridge', plugins: [{ type: 'bridge', bridge: 'br1', ipam: {} }] };
    const single = { cniVersion: '0.4.0', type: 'macvlan', master: 'eth1', ipam: {} };

    expect(manifestViolations(nad(JSON.stringify(list)))).toEqual([]);
    expect(manifestViolations(nad(JSON.stringify(single)))).toEqual([]);
    expect(messagesOf(nad(list))).toEqual(['NetworkAttachmentDefinition my-ns/my-bridge: /spec/config: must be string']);
    expect(messagesOf(nad('{"cniVersion": "0.4.0",}'))).toEqual([
      expect.stringMatching(/^NetworkAttachmentDefinition my-ns\/my-bridge: \/spec\/config: must be CNI configuration JSON: /),
    ]);
    expect(messagesOf(nad(JSON.stringify({ ...list, plugins: [{ bridge: 'br1' }] })))).toEqual([
      'NetworkAttachmentDefinition my-ns/my-bridge: /spec/config: CNI plugins[0] must be an object with a "type" string',
    ]);
    expect(messagesOf(nad(JSON.stringify({ name: 'x', type: 'bridge' })))).toEqual([
      'NetworkAttachmentDefinition my-ns/my-bridge: /spec/config: CNI configuration must have a "cniVersion" string',
    ]);
  });

  test('a version the CRD does not serve is an error', () => {
    const policy = { apiVersion: 'k8s.cni.cncf.io/v1beta2', kind: 'MultiNetworkPolicy', metadata: { name: 'p', namespace: 'my-ns' }, spec: {} };
    const v2 = { ...virtualMachine(), apiVersion: 'kubevirt.io/v2' };

    expect(messagesOf(policy)).toEqual([expect.stringContaining('MultiNetworkPolicy my-ns/p: /: version k8s.cni.cncf.io/v1beta2 of MultiNetworkPolicy is not served')]);
    expect(messagesOf(v2)).toEqual([expect.stringContaining('VirtualMachine my-ns/my-vm: /: unknown version')]);
  });
});

describe('scope: cluster-scoped objects carry no namespace, namespaced ones always one', () => {
  test('a namespace on a cluster-scoped custom resource or built-in kind is refused', () => {
    const nncp = { apiVersion: 'nmstate.io/v1', kind: 'NodeNetworkConfigurationPolicy', metadata: { name: 'br1', namespace: 'hpc' }, spec: { desiredState: {} } };
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', namespace: 'b' } };
    expect(messagesOf(nncp)).toEqual(['NodeNetworkConfigurationPolicy hpc/br1: /metadata/namespace: must not be set: NodeNetworkConfigurationPolicy is cluster-scoped']);
    expect(messagesOf(ns)).toEqual(['Namespace b/a: /metadata/namespace: must not be set: Namespace is cluster-scoped']);
  });

  test('a namespaced object without a namespace is refused', () => {
    const vm = vmWith(v => { delete v.metadata.namespace; });
    expect(messagesOf(vm)).toEqual(['VirtualMachine my-vm: /metadata/namespace: is required: VirtualMachine is namespaced']);
  });
});

describe('metadata must be a valid ObjectMeta', () => {
  test('name is required', () => {
    const vm = vmWith(v => { delete v.metadata.name; });

    expect(messagesOf(vm)).toEqual([expect.stringMatching(/^VirtualMachine my-ns\/<unnamed>: \/metadata\/name: is required/)]);
  });

  test('names, namespaces and labels follow the API server rules', () => {
    const vm = vmWith(v => {
      v.metadata.name = 'My_VM';
      v.metadata.namespace = 'tenant.a';
      v.metadata.labels = { 'bad key!': 'x', 'ok': 'not ok!' };
    });

    expect(messagesOf(vm)).toEqual([
      expect.stringContaining('/metadata/name: "My_VM" must be a DNS-1123 subdomain'),
      expect.stringContaining('/metadata/namespace: "tenant.a" must be a DNS-1123 label'),
      expect.stringContaining('/metadata/labels/bad key!: label key "bad key!"'),
      expect.stringContaining('/metadata/labels/ok: label value "not ok!"'),
    ]);
  });

  test('labels and annotations are maps of strings, and ObjectMeta has no unknown fields', () => {
    const vm = vmWith(v => {
      v.metadata.labels = { replicas: 3 };
      v.metadata.annotations = { 'example.com/enabled': true };
      v.metadata.label = { a: 'b' };
    });

    expect(messagesOf(vm)).toEqual(expect.arrayContaining([
      'VirtualMachine my-ns/my-vm: /metadata/labels/replicas: must be string',
      'VirtualMachine my-ns/my-vm: /metadata/annotations/example.com~1enabled: must be string',
      'VirtualMachine my-ns/my-vm: /metadata/label: unknown field "label"',
    ]));
    expect(messagesOf(vm)).toHaveLength(3);
  });

  test('the name rule depends on the kind', () => {
    const clusterRole = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'kubevirt.io:tenant-a' }, rules: [] };
    const svc = { ...service(), metadata: { name: '1web', namespace: 'my-ns' } };

    expect(manifestViolations(clusterRole)).toEqual([]);
    expect(messagesOf(svc)).toEqual([expect.stringContaining('Service my-ns/1web: /metadata/name: "1web" must be a DNS-1035 label')]);
  });
});

describe('built-in kinds are checked with kubernetes-models, strictly', () => {
  test('kubernetes-models alone does not reject unknown fields (the reason for the strict wrapper)', () => {
    const lenient = new Service({ metadata: { name: 'web' }, spec: { bogus: true } as Json });

    expect(() => lenient.validate()).not.toThrow();
  });

  test('a valid Service and RoleBinding pass', () => {
    expect(manifestViolations(service())).toEqual([]);
    expect(manifestViolations(roleBinding())).toEqual([]);
  });

  test('a Service with an unknown field fails', () => {
    // GIVEN misspelled fields that kubernetes-models alone would accept
    const svc = service();
    svc.spec.ports[0].nodeport = 30080;
    svc.spec.clusterIp = 'None';

    expect(messagesOf(svc)).toEqual([
      'Service my-ns/web: /spec/clusterIp: unknown field "clusterIp"',
      'Service my-ns/web: /spec/ports/0/nodeport: unknown field "nodeport"',
    ].sort());
  });

  test('unknown fields at the top level and in metadata fail', () => {
    const rb = roleBinding();
    rb.spec = { subjects: [] };
    rb.metadata.labelz = {};

    expect(messagesOf(rb).sort()).toEqual([
      'RoleBinding my-ns/vm-operators: /metadata/labelz: unknown field "labelz"',
      'RoleBinding my-ns/vm-operators: /spec: unknown field "spec"',
    ]);
  });

  test('type errors are reported, int-or-string merged into one message', () => {
    const svc = service();
    svc.spec.ports[0].port = '80';
    svc.spec.ports[0].targetPort = true;

    expect(messagesOf(svc)).toEqual([
      'Service my-ns/web: /spec/ports/0/port: must be integer',
      'Service my-ns/web: /spec/ports/0/targetPort: must be string or integer',
    ]);
  });

  test('map-valued fields accept any keys', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'my-ns' }, data: { 'any.key': 'v', 'other_key': 'w' } };
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'my-ns' }, type: 'Opaque', stringData: { userdata: '#cloud-config' } };

    expect(manifestViolations(cm)).toEqual([]);
    expect(manifestViolations(secret)).toEqual([]);
  });
});

describe('nothing escapes validation', () => {
  test('an unknown kind is an error', () => {
    const unknown = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'my-ns' } };

    expect(messagesOf(unknown)).toEqual([expect.stringMatching(/^Widget my-ns\/w: \/: unknown kind: example.com\/v1 Widget/)]);
    expect(isKnownKind('example.com/v1', 'Widget')).toBe(false);
    expect(isKnownKind('kubevirt.io/v1', 'VirtualMachine')).toBe(true);
    expect(isKnownKind('v1', 'Service')).toBe(true);
  });

  test('a type that is not a kind, or a malformed type meta, is an error', () => {
    expect(messagesOf({ apiVersion: 'v1', kind: 'ServiceSpec', metadata: { name: 'x' } })).toEqual([expect.stringContaining('unknown kind: v1 ServiceSpec')]);
    expect(messagesOf({ kind: 'Service', metadata: { name: 'x' } })).toEqual([expect.stringContaining('Service x: /apiVersion: must be an API version')]);
    expect(messagesOf('apiVersion: v1')).toEqual(['<no kind> <unnamed>: /: must be object']);
  });

  test('values JSON cannot carry are errors; undefined members are absent', () => {
    const vm = vmWith(v => {
      v.spec.running = undefined;
      v.spec.template.spec.domain.cpu.cores = Number.NaN;
    });

    expect(messagesOf(vm)).toEqual(['VirtualMachine my-ns/my-vm: /spec/template/spec/domain/cpu/cores: NaN is not a JSON number']);
  });

  test('validateAll reports every object, and duplicates', () => {
    const objs = [virtualMachine(), service(), { ...service(), spec: { ports: 'http' } }, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }];

    expect(manifestsViolations(objs).map(formatViolation)).toEqual([
      'Service my-ns/web: /spec/ports: must be array',
      'Service my-ns/web: /: duplicate object: documents #1 and #2 have the same group, kind, namespace and name',
      expect.stringMatching(/^Widget w: \/: unknown kind/),
    ]);
    expect(() => validateAll(objs)).toThrow(/^3 schema violation\(s\) in 2 object\(s\):/);
    expect(() => validateAll([virtualMachine(), service(), roleBinding()])).not.toThrow();
  });

  test('describeObject names objects with and without namespace', () => {
    expect(describeObject(virtualMachine())).toBe('VirtualMachine my-ns/my-vm');
    expect(describeObject({ kind: 'StorageClass', metadata: { name: 'ceph-block' } })).toBe('StorageClass ceph-block');
  });
});

describe('performance', () => {
  test('compiled validators are cached: thousands of objects validate quickly', () => {
    validateAll([virtualMachine(), service()]); // compile outside the timed loop
    const objs: ManifestObject[] = [];
    for (let i = 0; i < 2000; i++) {
      objs.push(vmWith(v => { v.metadata.name = `vm-${i}`; }));
      objs.push({ ...service(), metadata: { name: `svc-${i}`, namespace: 'my-ns' } });
    }

    // WHEN 4000 objects are validated
    const start = process.hrtime.bigint();
    validateAll(objs);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;

    // Typically well under a second; the bound only catches recompiling per object (~0.5 s per VM).
    expect(ms).toBeLessThan(15_000);
  });
});

describe('synth helpers', () => {
  class Tenant extends Construct {
    constructor(scope: Construct, id: string, props: { vm: ManifestObject }) {
      super(scope, id);
      new ApiObject(this, 'vm', props.vm);
      new ApiObject(this, 'svc', service());
    }
  }

  test('synthObjects returns the validated objects of every chart', () => {
    const app = Testing.app();
    new Tenant(new Chart(app, 'a'), 'tenant', { vm: virtualMachine() });
    new ApiObject(new Chart(app, 'b'), 'rb', roleBinding());

    const objs = synthObjects(app);

    expect(objs.map(describeObject)).toEqual(['VirtualMachine my-ns/my-vm', 'Service my-ns/web', 'RoleBinding my-ns/vm-operators']);
    expect(objs[0].spec.template.spec.networks[1].multus.networkName).toBe('my-ns/my-bridge');
  });

  test('synthObjects fails on an invalid object', () => {
    const app = Testing.app();
    new Tenant(new Chart(app, 'a'), 'tenant', { vm: vmWith(v => { v.spec.template.spec.domain.foo = 1; }) });

    expect(() => synthObjects(app)).toThrow('VirtualMachine my-ns/my-vm: /spec/template/spec/domain/foo: unknown field "foo"');
  });

  test('synthChartObjects returns the validated objects of one chart', () => {
    const app = new App();
    const chart = new Chart(app, 'one');
    new Tenant(chart, 'tenant', { vm: virtualMachine() });
    new ApiObject(new Chart(app, 'other'), 'rb', roleBinding());

    expect(synthChartObjects(chart).map(o => o.kind)).toEqual(['VirtualMachine', 'Service']);
  });

  test('synthChartObjects runs the cdk8s construct validations and the schema validation', () => {
    const invalidConstruct = new Chart(new App(), 'bad');
    new ApiObject(invalidConstruct, 'rb', roleBinding());
    invalidConstruct.node.addValidation({ validate: () => ['tenant has no quota'] });
    const invalidObject = new Chart(new App(), 'worse');
    new ApiObject(invalidObject, 'svc', { ...service(), spec: { ports: [{ port: 80, targetport: 8080 }] } });

    expect(() => synthChartObjects(invalidConstruct)).toThrow('[bad] tenant has no quota');
    expect(() => synthChartObjects(invalidObject)).toThrow('Service my-ns/web: /spec/ports/0/targetport: unknown field "targetport"');
  });

  test('parseManifest reads YAML the way kubectl does (YAML 1.1) and skips empty documents', () => {
    const objs = parseManifest('a: yes\nb: "yes"\nc: 0755\n---\n---\nd: 1\n');

    expect(objs).toEqual([{ a: true, b: 'yes', c: 493 }, { d: 1 }]);
    expect(() => parseManifest('a: 1\na: 2\n')).toThrow(/YAML document #0/);
  });
});
