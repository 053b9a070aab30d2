/**
 * The estate's objects as plain JSON, written out by hand in the order and with the keys the library writes
 * them (cdk8s sorts keys; apiVersion, kind and metadata first). The raw-ApiObjects variant and the serializer
 * floors build their objects with this, inside their own process; the benchmark checks that what they write
 * is byte for byte what the library writes.
 *
 * The estate (bench/README.md): a platform chart (a golden image and a shared storage network) and a tenants
 * chart with T tenants of V VMs.
 */

export interface EstateSize {
  readonly tenants: number;
  readonly vmsPerTenant: number;
}

const WAVE = (n: number) => ({ 'argocd.argoproj.io/sync-wave': String(n) });
const TENANT_LABEL = 'kubevirt.cdk8s.io/tenant';
/** Every object is built anew: one array or object in two places would be written as a YAML alias. */
const all = () => ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

export const tenantName = (t: number) => `tenant-${String(t).padStart(4, '0')}`;
export const vmName = (v: number) => `vm-${String(v).padStart(3, '0')}`;
/** The tenant's /24: 10.<t / 256>.<t % 256>. */
export const tenantNet = (t: number) => `10.${Math.floor(t / 256)}.${t % 256}`;

function cephNad(name: string, portIsolation: boolean): any {
  const plugin: any = { type: 'bridge', bridge: 'br1', vlan: 100 };
  if (portIsolation) plugin.portIsolation = true;
  plugin.ipam = { type: 'whereabouts', range: '192.168.0.0/16', network_name: 'rook-ceph-ceph' };
  return {
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { annotations: WAVE(-20), name, namespace: 'rook-ceph' },
    spec: { config: JSON.stringify({ cniVersion: '0.4.0', name, plugins: [plugin] }, undefined, 2) },
  };
}

/** The platform chart: the storage network's two NADs, then the golden image. */
export function platformObjects(): any[] {
  return [
    cephNad('ceph', true),
    cephNad('ceph-public', false),
    {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: {
        annotations: {
          ...WAVE(-10),
          'cdi.kubevirt.io/storage.bind.immediate.requested': 'true',
          'cdi.kubevirt.io/storage.deleteAfterCompletion': 'false',
        },
        name: 'fedora',
        namespace: 'golden-images',
      },
      spec: {
        source: { http: { url: 'https://images.example.com/fedora-40.qcow2' } },
        storage: { resources: { requests: { storage: '10Gi' } }, storageClassName: 'ceph-block' },
      },
    },
    {
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataSource',
      metadata: { annotations: WAVE(-10), name: 'fedora', namespace: 'golden-images' },
      spec: { source: { pvc: { name: 'fedora', namespace: 'golden-images' } } },
    },
  ];
}

function tenantMeta(wave: number, tenant: string, name: string, extra: Record<string, string> = {}): any {
  return { annotations: { ...WAVE(wave), ...extra }, labels: { [TENANT_LABEL]: tenant }, name, namespace: tenant };
}

/** Wave -25: namespace, quota, limits, admin role. */
function tenantNamespaceObjects(t: number): any[] {
  const tenant = tenantName(t);
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { annotations: WAVE(-25), labels: { [TENANT_LABEL]: tenant }, name: tenant } },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: tenantMeta(-25, tenant, 'tenant-quota'),
      spec: { hard: { 'count/virtualmachines.kubevirt.io': 100, 'requests.cpu': '200', 'requests.memory': '512Gi', 'requests.storage': '2Ti' } },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: tenantMeta(-25, tenant, 'tenant-defaults'),
      spec: { limits: [{ defaultRequest: { cpu: '100m', memory: '128Mi' }, type: 'Container' }] },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: tenantMeta(-25, tenant, 'tenant-admin'),
      rules: [
        { apiGroups: ['kubevirt.io'], resources: ['virtualmachines', 'virtualmachineinstances', 'virtualmachineinstancemigrations'], verbs: all() },
        {
          apiGroups: ['subresources.kubevirt.io'],
          resources: ['virtualmachines/start', 'virtualmachines/stop', 'virtualmachines/restart', 'virtualmachines/migrate',
            'virtualmachineinstances/console', 'virtualmachineinstances/vnc', 'virtualmachineinstances/pause', 'virtualmachineinstances/unpause'],
          verbs: ['get', 'update'],
        },
        { apiGroups: ['instancetype.kubevirt.io'], resources: ['virtualmachineinstancetypes', 'virtualmachinepreferences'], verbs: all() },
        { apiGroups: ['cdi.kubevirt.io'], resources: ['datavolumes', 'datasources'], verbs: all() },
        { apiGroups: ['upload.cdi.kubevirt.io'], resources: ['uploadtokenrequests'], verbs: ['create'] },
        { apiGroups: [''], resources: ['persistentvolumeclaims', 'services', 'secrets', 'configmaps'], verbs: all() },
        { apiGroups: [''], resources: ['pods', 'events'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['k8s.cni.cncf.io'], resources: ['network-attachment-definitions'], verbs: ['get', 'list', 'watch'] },
      ],
    },
  ];
}

/** Wave -20: the tenant's network, its MultiNetworkPolicy and the pod-network policy. */
function tenantNetworkObjects(t: number): any[] {
  const tenant = tenantName(t);
  const net = tenantNet(t);
  const config = {
    cniVersion: '0.4.0',
    name: 'tenant-net',
    plugins: [{
      type: 'bridge',
      bridge: 'br1',
      vlan: 1000 + t,
      macspoofchk: true,
      ipam: {
        type: 'whereabouts',
        range: `${net}.0/24`,
        exclude: [`${net}.1/32`],
        gateway: `${net}.1`,
        routes: [{ dst: '0.0.0.0/0', gw: `${net}.1` }],
        network_name: `${tenant}-tenant-net`,
      },
    }],
  };
  const ingressOnly = () => ({ ingress: [{ from: [{ podSelector: {} }] }], podSelector: {}, policyTypes: ['Ingress'] });
  return [
    {
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: tenantMeta(-20, tenant, 'tenant-net'),
      spec: { config: JSON.stringify(config, undefined, 2) },
    },
    {
      apiVersion: 'k8s.cni.cncf.io/v1beta1',
      kind: 'MultiNetworkPolicy',
      metadata: tenantMeta(-20, tenant, 'tenant-net-tenant-only', { 'k8s.v1.cni.cncf.io/policy-for': `${tenant}/tenant-net` }),
      spec: ingressOnly(),
    },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: tenantMeta(-20, tenant, 'tenant-isolation'), spec: ingressOnly() },
  ];
}

/** Wave -5: the tenant's VMs may clone the golden image (one RoleBinding in the image's namespace). */
function cloneGrant(t: number): any {
  const tenant = tenantName(t);
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { annotations: WAVE(-5), name: `tenan-clonegrants-golden-images-sa-${tenant}-c8fe4b77`, namespace: 'golden-images' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cdi.kubevirt.io:clone-sourcer' },
    subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: tenant }],
  };
}

/** Wave 0: a VM with the pod network, the tenant network and the storage network, and a root disk cloned from the image. */
function vm(t: number, v: number): any {
  const tenant = tenantName(t);
  const name = vmName(v);
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { annotations: WAVE(0), labels: { [TENANT_LABEL]: tenant }, name, namespace: tenant },
    spec: {
      dataVolumeTemplates: [{
        metadata: { name: `${name}-root` },
        spec: {
          sourceRef: { kind: 'DataSource', name: 'fedora', namespace: 'golden-images' },
          storage: { resources: { requests: { storage: '20Gi' } }, storageClassName: 'ceph-block' },
        },
      }],
      runStrategy: 'Always',
      template: {
        metadata: { labels: { [TENANT_LABEL]: tenant, 'vm.kubevirt.io/name': name } },
        spec: {
          domain: {
            cpu: { cores: 2 },
            devices: {
              disks: [{ bootOrder: 1, disk: { bus: 'virtio' }, name: 'root' }],
              interfaces: [{ masquerade: {}, name: 'default' }, { bridge: {}, name: 'tenant-net' }, { bridge: {}, name: 'storage' }],
            },
            resources: { requests: { memory: '4Gi' } },
          },
          networks: [
            { name: 'default', pod: {} },
            { multus: { networkName: `${tenant}/tenant-net` }, name: 'tenant-net' },
            { multus: { networkName: 'rook-ceph/ceph' }, name: 'storage' },
          ],
          volumes: [{ dataVolume: { name: `${name}-root` }, name: 'root' }],
        },
      },
    },
  };
}

/** Wave 5: the VM's Service (SSH). */
function service(t: number, v: number): any {
  const tenant = tenantName(t);
  const name = vmName(v);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { annotations: WAVE(5), labels: { [TENANT_LABEL]: tenant }, name, namespace: tenant },
    spec: { ports: [{ name: 'ssh', port: 22, protocol: 'TCP', targetPort: 22 }], selector: { 'vm.kubevirt.io/name': name }, type: 'ClusterIP' },
  };
}

/**
 * The tenants chart in written order (sync waves, then definition order), one object at a time, so that a
 * caller can write each as it comes.
 */
export function* tenantObjects(size: EstateSize): Generator<any> {
  for (let t = 0; t < size.tenants; t++) yield* tenantNamespaceObjects(t);
  for (let t = 0; t < size.tenants; t++) yield* tenantNetworkObjects(t);
  for (let t = 0; t < size.tenants; t++) yield cloneGrant(t);
  for (let t = 0; t < size.tenants; t++) for (let v = 0; v < size.vmsPerTenant; v++) yield vm(t, v);
  for (let t = 0; t < size.tenants; t++) for (let v = 0; v < size.vmsPerTenant; v++) yield service(t, v);
}
