/**
 * The tenancy rules as the cluster enforces them: ValidatingAdmissionPolicies (admissionregistration.k8s.io/v1,
 * CEL) bound to every tenant namespace. Internal: not re-exported by index.ts.
 *
 * Design: one policy per object family and one binding each, for every tenant of every app, parameterized by
 * the tenant's Namespace. The library writes each tenant's allowed networks, default network, pod network
 * choice, clone source namespaces and required node labels as annotations of the Namespace; the policies read
 * them through `namespaceObject`. A tenant cannot change its Namespace (its Role is namespaced), so it cannot
 * change its own rules, and no params objects (which would need a namespace of their own, out of the tenants'
 * reach) are needed. A namespace is enforced when it carries the label `kubevirt.cdk8s.io/admission:
 * enforced`; the binding selects by that label.
 *
 * What is refused, and why (KubeVirt v1.9.0, CDI v1.66.0):
 * - Multus networks other than the tenant's own and its granted shared networks (`spec.networks[].multus`),
 *   a Multus default network other than the tenant's default network, and the pod network (listed, or added
 *   by KubeVirt when a VMI lists no interfaces and networks) unless the tenant allows it; bridge binding on
 *   the pod network (the guest would own the pod's address on the cluster network).
 * - GPUs and host devices (PCI passthrough can hand the guest a host NIC), and `hostDisk` volumes (files of
 *   the node).
 * - Annotations that attach the virt-launcher pod (or CDI's importer, upload and clone pods, which copy
 *   `k8s.v1.cni.cncf.io/networks` and `v1.multus-cni.io/default-network` from DataVolumes and PVCs:
 *   pkg/controller/common/util.go allowedAnnotations) to networks beside the VM's network list, sidecar hooks
 *   (`hooks.kubevirt.io/hookSidecars`, code in the launcher pod that rewrites the domain), and
 *   `kubevirt.io/allow-pod-bridge-network-live-migration`.
 * - Clones (DataVolume templates and DataVolumes) from namespaces other than the tenant's own and the image
 *   namespaces the app clones from into it. CDI checks the clone permission itself too; this keeps the
 *   tenant's objects to what the app declared.
 * - VMs whose node selector drops the labels of the nodes that carry the tenant network's bridge.
 * VMIs are checked as well as VMs: a VMI created directly, or by KubeVirt from a VM after an instancetype or
 * preference added devices, annotations or node selectors, passes the same rules. On an update the VM/VMI
 * rules run only when the spec changed, so KubeVirt's own status updates of running VMIs are never refused.
 */
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { chartOf, clusterScoped, metadata, setSyncWave, SyncWaves } from '../core/objects';
import { ClusterComponent, ClusterPrerequisites, PrerequisiteKind } from '../platform/prerequisites';

/** The label that puts a namespace under the tenant admission policies. */
export const ADMISSION_LABEL = 'kubevirt.cdk8s.io/admission';
export const ADMISSION_ENFORCED = 'enforced';

/** Namespace annotations the policies read (the tenant's parameters). */
export const TenantAnnotations = {
  /** Comma-separated `namespace/name` of every NetworkAttachmentDefinition a tenant VM may name. */
  NETWORKS: 'kubevirt.cdk8s.io/allowed-networks',
  /** `namespace/name` of the tenant's default network, the only Multus default network allowed. */
  DEFAULT_NETWORK: 'kubevirt.cdk8s.io/default-network',
  /** `allowed` or `denied`. */
  POD_NETWORK: 'kubevirt.cdk8s.io/pod-network',
  /** Comma-separated namespaces (besides the tenant's own) that tenant DataVolumes may clone from. */
  CLONE_SOURCES: 'kubevirt.cdk8s.io/clone-source-namespaces',
  /** Comma-separated `key=value` node labels every tenant VM must select. */
  NODE_SELECTOR: 'kubevirt.cdk8s.io/node-selector',
} as const;

/** Names of the cluster-scoped objects; one set per cluster, shared by every app that writes tenants. */
export const VM_POLICY_NAME = 'cdk8s-kubevirt-tenant-vms';
export const VOLUME_POLICY_NAME = 'cdk8s-kubevirt-tenant-volumes';

const ADMISSION_ID = 'cdk8s-kubevirt.TenantAdmission';

/** CEL: the tenant annotation `key` split at commas, or an empty list. */
function annotationList(key: string): string {
  return `has(namespaceObject.metadata.annotations) && '${key}' in namespaceObject.metadata.annotations`
    + ` && namespaceObject.metadata.annotations['${key}'] != ''`
    + ` ? namespaceObject.metadata.annotations['${key}'].split(',') : []`;
}

/** CEL: the tenant annotation `key`, or ''. */
function annotation(key: string): string {
  return `has(namespaceObject.metadata.annotations) && '${key}' in namespaceObject.metadata.annotations`
    + ` ? namespaceObject.metadata.annotations['${key}'] : ''`;
}

/** CEL predicate on an annotation key `k` that attaches pods to networks or injects code into them. */
const RESERVED_ANNOTATION = "(k.startsWith('k8s.v1.cni.cncf.io/') || k.startsWith('v1.multus-cni.io/')"
  + " || k in ['hooks.kubevirt.io/hookSidecars', 'kubevirt.io/allow-pod-bridge-network-live-migration'])";

/** CEL: a Multus network entry `n` as `namespace/name` (a bare name is in the object's namespace). */
const MULTUS_REF = "(n.multus.networkName.contains('/') ? n.multus.networkName : request.namespace + '/' + n.multus.networkName)";

/** CEL: a DataVolume spec `s` clones only from `variables.cloneNamespaces` (a missing namespace is the object's own). */
const CLONE_ALLOWED = '((!has(s.source) || ((!has(s.source.pvc) || !has(s.source.pvc.namespace) || s.source.pvc.namespace in variables.cloneNamespaces)'
  + ' && (!has(s.source.snapshot) || !has(s.source.snapshot.namespace) || s.source.snapshot.namespace in variables.cloneNamespaces)))'
  + ' && (!has(s.sourceRef) || !has(s.sourceRef.namespace) || s.sourceRef.namespace in variables.cloneNamespaces))';

interface Validation {
  readonly expression: string;
  readonly messageExpression: string;
  readonly reason: string;
}

function validation(expression: string, messageExpression: string): Validation {
  return { expression, messageExpression, reason: 'Forbidden' };
}

/** The policy on tenant VirtualMachines and VirtualMachineInstances. */
export function vmPolicySpec(): Record<string, any> {
  const variables = [
    { name: 'isVmi', expression: "request.kind.kind == 'VirtualMachineInstance'" },
    { name: 'spec', expression: 'variables.isVmi ? object.spec : object.spec.template.spec' },
    { name: 'templateMeta', expression: 'variables.isVmi ? object.metadata : (has(object.spec.template.metadata) ? object.spec.template.metadata : {})' },
    { name: 'devices', expression: 'has(variables.spec.domain) && has(variables.spec.domain.devices) ? variables.spec.domain.devices : {}' },
    { name: 'networks', expression: 'has(variables.spec.networks) ? variables.spec.networks : []' },
    { name: 'interfaces', expression: 'has(variables.devices.interfaces) ? variables.devices.interfaces : []' },
    { name: 'dvTemplates', expression: '!variables.isVmi && has(object.spec.dataVolumeTemplates) ? object.spec.dataVolumeTemplates : []' },
    { name: 'allowedNetworks', expression: annotationList(TenantAnnotations.NETWORKS) },
    { name: 'defaultNetwork', expression: annotation(TenantAnnotations.DEFAULT_NETWORK) },
    { name: 'podAllowed', expression: `(${annotation(TenantAnnotations.POD_NETWORK)}) == 'allowed'` },
    { name: 'cloneNamespaces', expression: `[request.namespace] + (${annotationList(TenantAnnotations.CLONE_SOURCES)})` },
    { name: 'nodeLabels', expression: annotationList(TenantAnnotations.NODE_SELECTOR) },
    { name: 'multusRefs', expression: `variables.networks.filter(n, has(n.multus)).map(n, ${MULTUS_REF})` },
    { name: 'podNetworkNames', expression: 'variables.networks.filter(n, has(n.pod)).map(n, n.name)' },
    {
      // KubeVirt adds the pod network to a VMI that lists no interfaces and no networks (autoattachPodInterface).
      name: 'autoPodNetwork',
      expression: 'size(variables.networks) == 0 && size(variables.interfaces) == 0'
        + ' && !(has(variables.devices.autoattachPodInterface) && variables.devices.autoattachPodInterface == false)',
    },
  ];
  const ns = "' + request.namespace + '";
  const validations = [
    validation('variables.multusRefs.all(r, r in variables.allowedNetworks)',
      `'tenant network rule: ' + variables.multusRefs.filter(r, !(r in variables.allowedNetworks)).join(', ') + ' is not a network of tenant namespace ${ns}; a tenant VM attaches only to its own networks and granted shared networks: ' + variables.allowedNetworks.join(', ')`),
    validation('variables.networks.filter(n, has(n.multus) && has(n.multus.default) && n.multus.default == true).all(n, ' + MULTUS_REF + ' == variables.defaultNetwork)',
      '\'tenant default network rule: in tenant namespace \' + request.namespace + \' only the tenant default network \' + variables.defaultNetwork + \' may replace the pod network (multus.default: true)\''),
    validation('variables.podAllowed || (size(variables.podNetworkNames) == 0 && !variables.autoPodNetwork)',
      `'tenant pod network rule: tenant namespace ${ns} is fully isolated: no pod network (remove networks[].pod; with no interfaces and networks set domain.devices.autoattachPodInterface: false); its default network is ' + variables.defaultNetwork`),
    validation('variables.interfaces.all(i, !(i.name in variables.podNetworkNames) || !has(i.bridge))',
      `'tenant pod binding rule: an interface on the pod network uses masquerade binding in tenant namespace ${ns}; bridge binding would hand the guest the pod address'`),
    validation('(!has(variables.devices.gpus) || size(variables.devices.gpus) == 0) && (!has(variables.devices.hostDevices) || size(variables.devices.hostDevices) == 0)',
      `'tenant host device rule: GPUs and host devices (domain.devices.gpus, hostDevices) are not allowed in tenant namespace ${ns}: a passed-through device can be a host network card'`),
    validation('!has(variables.spec.volumes) || variables.spec.volumes.all(v, !has(v.hostDisk))',
      `'tenant host disk rule: hostDisk volumes are not allowed in tenant namespace ${ns}: they are files of the node; use PersistentVolumeClaims or DataVolumes'`),
    validation(`(!has(variables.templateMeta.annotations) || variables.templateMeta.annotations.all(k, !${RESERVED_ANNOTATION}))`
      + ` && variables.dvTemplates.all(d, !has(d.metadata) || !has(d.metadata.annotations) || d.metadata.annotations.all(k, !${RESERVED_ANNOTATION}))`,
    `'tenant annotation rule: annotations k8s.v1.cni.cncf.io/*, v1.multus-cni.io/*, hooks.kubevirt.io/hookSidecars and kubevirt.io/allow-pod-bridge-network-live-migration are not allowed on tenant VMs and their DataVolume templates in namespace ${ns}: networks come from spec.networks only'`),
    validation(`variables.dvTemplates.all(d, !has(d.spec) || [d.spec].all(s, ${CLONE_ALLOWED}))`,
      `'tenant clone source rule: DataVolume templates in tenant namespace ${ns} clone only from ' + variables.cloneNamespaces.join(', ')`),
    validation('variables.nodeLabels.all(l, has(variables.spec.nodeSelector) && l.split(\'=\')[0] in variables.spec.nodeSelector && variables.spec.nodeSelector[l.split(\'=\')[0]] == l.split(\'=\')[1])',
      `'tenant placement rule: tenant VMs in namespace ${ns} run only on nodes that carry their networks: nodeSelector must include ' + variables.nodeLabels.join(', ')`),
  ];
  return {
    failurePolicy: 'Fail',
    matchConstraints: {
      resourceRules: [{
        apiGroups: ['kubevirt.io'],
        apiVersions: ['*'],
        operations: ['CREATE', 'UPDATE'],
        resources: ['virtualmachines', 'virtualmachineinstances'],
      }],
    },
    // Status and metadata updates by KubeVirt (a VMI has no status subresource) are not re-judged.
    matchConditions: [{ name: 'spec-changed', expression: "request.operation == 'CREATE' || !has(oldObject.spec) || object.spec != oldObject.spec" }],
    variables,
    validations,
  };
}

/** The policy on tenant DataVolumes and PersistentVolumeClaims (CDI copies their Multus annotations to its pods). */
export function volumePolicySpec(): Record<string, any> {
  const ns = "' + request.namespace + '";
  return {
    failurePolicy: 'Fail',
    matchConstraints: {
      resourceRules: [
        { apiGroups: ['cdi.kubevirt.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['datavolumes'] },
        { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['persistentvolumeclaims'] },
      ],
    },
    variables: [
      { name: 'cloneNamespaces', expression: `[request.namespace] + (${annotationList(TenantAnnotations.CLONE_SOURCES)})` },
    ],
    validations: [
      validation(`!has(object.metadata.annotations) || object.metadata.annotations.all(k, !${RESERVED_ANNOTATION})`,
        `'tenant annotation rule: annotations k8s.v1.cni.cncf.io/* and v1.multus-cni.io/* are not allowed on DataVolumes and PersistentVolumeClaims in tenant namespace ${ns}: CDI would attach its pods to those networks'`),
      // The spec of a DataVolume is immutable: judged once, at creation.
      validation(`request.operation != 'CREATE' || request.kind.kind != 'DataVolume' || !has(object.spec) || [object.spec].all(s, ${CLONE_ALLOWED})`,
        `'tenant clone source rule: DataVolumes in tenant namespace ${ns} clone only from ' + variables.cloneNamespaces.join(', ')`),
    ],
  };
}

/**
 * Writes the tenant admission policies and their bindings once per app, in the chart of the first tenant that
 * asks for them, and records that the cluster must serve ValidatingAdmissionPolicy v1.
 */
export function ensureTenantAdmission(tenant: IConstruct): void {
  const root = tenant.node.root as Construct;
  const prerequisites = ClusterPrerequisites.of(tenant);
  prerequisites.require(tenant, {
    kind: PrerequisiteKind.VERSION,
    component: ClusterComponent.KUBERNETES,
    requirement: 'v1.30.0',
    reason: 'tenant rules enforced by ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1)',
  });
  // The objects sit in a chart (only charts are synthesized); which one is recorded at the app root.
  const marker = root.node.tryFindChild(ADMISSION_ID);
  if (marker) return;
  new Construct(root, ADMISSION_ID);
  const chart = chartOf(tenant);
  if (!chart) return;
  const scope = new Construct(chart, 'TenantAdmission');
  for (const [id, name, spec] of [['VmPolicy', VM_POLICY_NAME, vmPolicySpec()], ['VolumePolicy', VOLUME_POLICY_NAME, volumePolicySpec()]] as const) {
    const policy = new ApiObject(scope, id, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: metadata({ name }),
      spec,
    });
    clusterScoped(policy);
    setSyncWave(policy, SyncWaves.NAMESPACE);
    const binding = new ApiObject(scope, `${id}Binding`, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: metadata({ name }),
      spec: {
        policyName: name,
        validationActions: ['Deny'],
        matchResources: { namespaceSelector: { matchLabels: { [ADMISSION_LABEL]: ADMISSION_ENFORCED } } },
      },
    });
    clusterScoped(binding);
    setSyncWave(binding, SyncWaves.NAMESPACE);
  }
}
