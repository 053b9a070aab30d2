import { Chart } from 'cdk8s';
import {
  BridgeNetwork, CloudInit, CpuModel, DiskCache, Ipam, KubeVirtVm, KubeVirtVmProps, SshKeyPropagation, SshKeys, VmDisk, VmDns,
  VmInstancetype, VmPort, VmPreference, VmServiceType,
} from '../../src';
import { describeBadInputs } from '../util/expect-error';

/** A valid VM in my-ns plus the given props. */
const vm = (c: Chart, props: KubeVirtVmProps = {}) => new KubeVirtVm(c, 'vm', { name: 'vm', namespace: 'my-ns', memory: '2Gi', ...props });
const longSearches = ['a', 'b', 'c'].map((x) => `${x.repeat(60)}.${x.repeat(60)}.example`);

// Rows for the compute error sites that test/compute/bad-inputs.test.ts does not trigger (see docs/errors.md).
describeBadInputs('compute: further bad inputs fail synthesis with their message', [
  {
    name: 'empty user data',
    build: (c) => vm(c, { cloudInit: CloudInit.noCloud({ userData: '' }) }),
    error: '[test/vm] cloudInit.userData: "" must not be empty',
  },
  {
    name: 'user data Secret that is not a name',
    build: (c) => vm(c, { cloudInit: CloudInit.noCloud({ userDataSecretName: 'User_Data' }) }),
    error: '[test/vm] cloudInit.userDataSecretName: "User_Data" must be a DNS-1123 subdomain',
  },
  {
    name: 'SSH key Secret that is not a name',
    build: (c) => vm(c, { sshKeys: SshKeys.fromSecret('SSH Keys') }),
    error: '[test/vm] sshKeys.secretName: "SSH Keys" must be a DNS-1123 subdomain',
  },
  {
    name: 'guest agent user that is not a user name',
    build: (c) => vm(c, { sshKeys: SshKeys.fromSecret('keys', { propagation: SshKeyPropagation.qemuGuestAgent(['fedora admin']) }) }),
    error: '[test/vm] sshKeys.propagation.users[0]: "fedora admin" must be a guest user name',
  },
  {
    name: 'no public keys',
    build: (c) => vm(c, { sshKeys: SshKeys.fromPublicKeys([]) }),
    error: '[test/vm] sshKeys: [] must list at least one public key',
  },
  {
    name: 'PVC disk whose claim name is not a name',
    build: (c) => vm(c, { rootDisk: VmDisk.fromPvc('Root_Disk') }),
    error: '[test/vm] rootDisk.claimName: "Root_Disk" must be a DNS-1123 subdomain',
  },
  {
    name: 'DataVolume disk whose name is not a name',
    build: (c) => vm(c, { rootDisk: VmDisk.fromDataVolume('Root_DV') }),
    error: '[test/vm] rootDisk.dataVolume: "Root_DV" must be a DNS-1123 subdomain',
  },
  {
    name: 'container disk image with whitespace',
    build: (c) => vm(c, { rootDisk: VmDisk.fromContainerImage('quay.io/containerdisks/fedora 40') }),
    error: '[test/vm] rootDisk.image: "quay.io/containerdisks/fedora 40" must be a container image reference without whitespace',
  },
  {
    name: 'instancetype name that is not a name',
    build: (c) => new KubeVirtVm(c, 'vm', { name: 'vm', instancetype: VmInstancetype.cluster('U1 Medium') }),
    error: '[test/vm] instancetype: "U1 Medium" must be a DNS-1123 subdomain',
  },
  {
    name: 'preference name that is not a name',
    build: (c) => vm(c, { preference: VmPreference.cluster('Fedora_Pref') }),
    error: '[test/vm] preference: "Fedora_Pref" must be a DNS-1123 subdomain',
  },
  {
    name: 'Service name starting with a digit',
    build: (c) => vm(c).exposeViaService({ name: '9ssh' }),
    error: '[test/vm] service.name: "9ssh" must be a DNS-1035 label',
  },
  {
    name: 'two Services of one name',
    build: (c) => {
      const v = vm(c);
      v.exposeViaService();
      v.exposeViaService();
    },
    error: '[test/vm] service.name: "vm" is already a Service of this VM',
  },
  {
    name: 'Service without ports',
    build: (c) => vm(c).exposeViaService({ ports: [] }),
    error: '[test/vm] service.ports: [] must list at least one port',
  },
  {
    name: 'Service port listed twice',
    build: (c) => vm(c).exposeViaService({ ports: [VmPort.tcp(80, 'web'), VmPort.tcp(80, 'www')] }),
    error: '[test/vm] service.ports[1]: "80/TCP" is listed twice',
  },
  {
    name: 'Service type Kubernetes does not know',
    build: (c) => vm(c).exposeViaService({ type: 'ExternalName' as VmServiceType }),
    error: '[test/vm] service.type: "ExternalName" must be one of VmServiceType.CLUSTER_IP ("ClusterIP"), VmServiceType.NODE_PORT ("NodePort"), VmServiceType.LOAD_BALANCER ("LoadBalancer")',
  },
  {
    name: 'zero vCPUs',
    build: (c) => vm(c, { cpu: 0 }),
    error: '[test/vm] cpu: 0 must be a positive integer',
  },
  {
    name: 'disk cache knob KubeVirt does not know',
    build: (c) => vm(c, { diskCache: 'unsafe' as DiskCache }),
    error: '[test/vm] diskCache: "unsafe" must be one of DiskCache.NONE ("none"), DiskCache.WRITETHROUGH ("writethrough"), DiskCache.WRITEBACK ("writeback")',
  },
  {
    name: 'service account name that is not a name',
    build: (c) => vm(c, { serviceAccountName: 'VM Runner' }),
    error: '[test/vm] serviceAccountName: "VM Runner" must be a DNS-1123 subdomain',
  },
  {
    name: 'toleration without a key that is not Exists',
    build: (c) => vm(c, { tolerations: [{ operator: 'Equal', value: 'v' }] }),
    error: '[test/vm] tolerations[0].operator: "Equal" must be Exists when the key is empty',
  },
  {
    name: 'toleration operator Kubernetes does not know',
    build: (c) => vm(c, { tolerations: [{ key: 'k', operator: 'In' }] }),
    error: '[test/vm] tolerations[0].operator: "In" must be Exists or Equal',
  },
  {
    name: 'toleration effect Kubernetes does not know',
    build: (c) => vm(c, { tolerations: [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoRun' }] }),
    error: '[test/vm] tolerations[0].effect: "NoRun" must be NoSchedule, PreferNoSchedule or NoExecute',
  },
  {
    name: 'toleration seconds without NoExecute',
    build: (c) => vm(c, { tolerations: [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule', tolerationSeconds: 30 }] }),
    error: '[test/vm] tolerations[0].tolerationSeconds: 30 only applies with the NoExecute effect',
  },
  {
    name: 'seven search domains',
    build: (c) => vm(c, { dns: VmDns.custom({ nameservers: ['10.0.0.1'], searches: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }) }),
    error: '[test/vm] dns.searches: ["a","b","c","d","e","f","g"] must list at most 6 search domains',
  },
  {
    name: 'search domains longer than 256 characters in all',
    build: (c) => vm(c, { dns: VmDns.custom({ nameservers: ['10.0.0.1'], searches: longSearches }) }),
    error: `[test/vm] dns.searches: ${JSON.stringify(longSearches)} must have at most 256 characters in all (with a space between domains)`,
  },
  {
    name: 'resolver option without a name',
    build: (c) => vm(c, { dns: VmDns.custom({ nameservers: ['10.0.0.1'], options: [{ name: '' }] }) }),
    error: '[test/vm] dns.options[0].name: "" must not be empty',
  },
  {
    name: 'a network that is not a NetworkAttachmentDefinition',
    build: (c) => vm(c).addNetwork(undefined as any),
    error: '[test/vm] networks[0].network: undefined must be a NetworkAttachmentDefinition',
  },
  {
    name: 'CPU model name with a space',
    build: (c) => vm(c, { cpuModel: CpuModel.named('Skylake Server') }),
    error: '[test/vm] cpuModel: "Skylake Server" must be host-passthrough, host-model or a libvirt CPU model name',
  },
  {
    name: 'CPU request finer than a millicore',
    build: (c) => vm(c, { cpuRequest: '0.0005' }),
    error: '[test/vm] cpuRequest: "0.0005" must be a positive number of CPUs with at most millicore precision',
  },
  {
    name: 'a multus network given twice under one name',
    build: (c) => {
      const net = new BridgeNetwork(c, 'net', { name: 'lan', namespace: 'my-ns', bridge: 'br1', ipam: Ipam.none() });
      vm(c, { networks: [{ network: net }, { network: net }] });
    },
    error: '[test/vm] networks[1].name: "lan" is used by another interface of the VM',
  },
]);
