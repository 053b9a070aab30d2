/**
 * A VM's first-boot configuration: where its user data comes from (never plain in Git unless the app allows it),
 * its SSH keys, and the cloud-init network data generated from its NICs. Internal: not re-exported by index.ts.
 */
import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CloudInit, SshKeys } from './cloud-init';
import {
  defaultRouteProblem, generateNetworkData, GuestAddressing, GuestDns, GuestNic, mergeNetworkData, NetworkDataConflict, parseNetworkData, toYaml,
} from './guest-network';
import { MacAddressSource } from './mac-address';
import { guestNicOf, Nic } from './nics';
import { check, fail, problem } from '../core/errors';
import { metadata, setSyncWave, SyncWaves } from '../core/objects';
import { VirtualMachineSpecTemplateSpecAccessCredentials, VirtualMachineSpecTemplateSpecVolumes } from '../imports/kubevirt.io';
import { refusePlainSecretInGit, writeExternalSecret } from '../platform/secret-material';

/** KubeVirt's limit for inline user and network data (vmi-create-admitter.go cloudInitNetworkMaxLen). */
const INLINE_MAX = 2048;
/** What SSH key propagation through cloud-init needs when the VM has no user data of its own. */
const STUB_USER_DATA = '#cloud-config\n';

/** What the VM tells its guest configuration. */
export interface GuestConfigProps {
  readonly scope: Construct;
  readonly vmName: string;
  readonly namespace: string;
  readonly labels?: { [key: string]: string };
  readonly cloudInit?: CloudInit;
  readonly sshKeys?: SshKeys;
  readonly macAddresses?: MacAddressSource;
  readonly configureGuestNetwork?: boolean;
  readonly allowMultipleDefaultRoutes?: boolean;
  /** The VM's pod DNS settings: custom resolvers are also written for NICs with a pinned default route. */
  readonly dns?: { readonly dnsPolicy: string; readonly dnsConfig?: { nameservers?: string[]; searches?: string[] } };
}

/**
 * The guest side of a VM. Decides at construction whether network data is generated (NoCloud, MACs known, not
 * turned off, no network data Secret of the user's); renders the cloud-init volume late, from the NICs the VM has
 * by then.
 */
export class GuestConfig {
  /** Whether the library writes network data for the NICs; when not, why (for messages). */
  public readonly generatesNetworkData: boolean;
  public readonly whyNoNetworkData?: string;
  /** The MAC source of the VM. */
  public readonly macAddresses: MacAddressSource;
  /** The access credential of the VM's SSH keys, if any. */
  public readonly accessCredential?: VirtualMachineSpecTemplateSpecAccessCredentials;

  private readonly datasource: string;
  private readonly userDataSecret?: string;
  private readonly userDataStub: boolean;
  private readonly userNetworkData?: Record<string, any>;
  private readonly rawNetworkData?: string;
  private readonly networkDataSecret?: string;
  private readonly dns?: GuestDns;
  /** The network data of the NICs as validation saw them, reused by rendering and then dropped. */
  private rendered?: { readonly count: number; readonly text?: string; readonly conflict?: NetworkDataConflict };

  constructor(private readonly props: GuestConfigProps) {
    const { scope, cloudInit, sshKeys } = props;
    const o = cloudInit?.options ?? {};
    if (cloudInit) {
      check(cloudInit instanceof CloudInit, scope, 'cloudInit', cloudInit, 'must be a CloudInit (CloudInit.noCloud() or configDrive())');
      cloudInit._check(scope);
    }
    this.datasource = cloudInit?.datasource ?? 'noCloud';
    this.macAddresses = props.macAddresses ?? MacAddressSource.derived();
    check(this.macAddresses instanceof MacAddressSource, scope, 'macAddresses', this.macAddresses,
      'must be a MacAddressSource (MacAddressSource.derived() or kubeMacPool())');

    // Network data: generated unless something stands in the way.
    const why = this.macAddresses.kind === 'kubemacpool' ? 'KubeMacPool chooses the MACs, so no NIC can be matched'
      : this.datasource !== 'noCloud' ? 'ConfigDrive reads OpenStack network_data.json, not network config v2'
        : o.networkDataSecretName !== undefined ? `the network data comes whole from the Secret ${o.networkDataSecretName}`
          : props.configureGuestNetwork === false ? 'configureGuestNetwork is false' : undefined;
    if (props.configureGuestNetwork === true && why !== undefined) {
      fail(scope, 'configureGuestNetwork', true, `cannot be done: ${why}`);
    }
    this.generatesNetworkData = why === undefined;
    this.whyNoNetworkData = why;
    if (o.networkData !== undefined) {
      if (this.generatesNetworkData) {
        this.userNetworkData = parseNetworkData(scope, 'cloudInit.networkData', o.networkData);
      } else {
        check(Buffer.byteLength(o.networkData) <= INLINE_MAX, scope, 'cloudInit.networkData', `${Buffer.byteLength(o.networkData)} bytes`,
          `must be at most ${INLINE_MAX} bytes inline (KubeVirt's limit); put it in a Secret and name it in networkDataSecretName`);
        this.rawNetworkData = o.networkData;
      }
    }
    this.networkDataSecret = o.networkDataSecretName;
    const dnsConfig = props.dns?.dnsPolicy === 'None' ? props.dns.dnsConfig : undefined;
    this.dns = dnsConfig?.nameservers ? { nameservers: dnsConfig.nameservers, searches: dnsConfig.searches } : undefined;

    // User data: a Secret of the user's, one filled from a store, or (allowed only by opt-in) a plain one.
    const ownSecret = `${props.vmName}-cloud-init`;
    if (o.userData !== undefined) {
      this.writeSecret('CloudInitSecret', ownSecret, { userdata: o.userData });
      refusePlainSecretInGit(scope, 'cloudInit.userData', props.namespace, ownSecret,
        'reference an existing Secret (userDataSecretName) or pull the data from a secret store (userDataFromStore)');
      this.userDataSecret = ownSecret;
    } else if (o.userDataFromStore !== undefined) {
      writeExternalSecret(scope, 'CloudInitExternalSecret', {
        name: ownSecret,
        namespace: props.namespace,
        labels: props.labels,
        entries: [{ secretKey: 'userdata', value: o.userDataFromStore, field: 'cloudInit.userDataFromStore' }],
      });
      this.userDataSecret = ownSecret;
    } else {
      this.userDataSecret = o.userDataSecretName;
    }

    // SSH public keys: not secret, written whatever the plain-secret setting.
    let stub = false;
    if (sshKeys) {
      const data = sshKeys._secretData(scope);
      const secretName = data ? this.writeSecret('SshKeysSecret', `${props.vmName}-ssh-keys`, data) : sshKeys.secretName!;
      stub = !sshKeys.options.propagation?.viaGuestAgent && this.userDataSecret === undefined;
      this.accessCredential = sshKeys._accessCredential(secretName, this.datasource);
    }
    this.userDataStub = stub;
  }

  /** Rules a NIC must meet given how the guest is configured (checked when the NIC is attached). */
  public checkNic(nic: Nic): void {
    const { scope } = this.props;
    const o = nic.options;
    const needs = (field: string, value: unknown) => check(this.generatesNetworkData, scope, `${nic.field}.${field}`, value,
      `needs the generated network data, which this VM does not get: ${this.whyNoNetworkData}`);
    if (nic.staticAddresses.length > 0) needs('staticAddresses', o.staticAddresses);
    if (o.defaultRoute === undefined) return;
    needs('defaultRoute', o.defaultRoute);
    const guest = guestNicOf({ ...nic, mac: nic.mac ?? '' });
    if (o.defaultRoute === false) {
      check(guest.addressing === GuestAddressing.DHCP, scope, `${nic.field}.defaultRoute`, false,
        'only applies to a NIC that gets its address by DHCP; a NIC with staticAddresses takes a default route only from its staticRoutes');
    } else {
      check(guest.handsDefaultRoute, scope, `${nic.field}.defaultRoute`, true, 'cannot be true: the NIC hands the guest no default route');
    }
  }

  /** The guest NICs the network data describes, in NIC order. */
  public guestNics(nics: Nic[]): GuestNic[] {
    return nics.map(guestNicOf);
  }

  /** App-time problems: several default routes, network data over KubeVirt's inline limit. */
  public problems(nics: Nic[]): string[] {
    if (!this.generatesNetworkData || nics.length === 0) return [];
    const out: string[] = [];
    const routes = defaultRouteProblem(this.guestNics(nics), this.props.allowMultipleDefaultRoutes === true);
    if (routes) out.push(routes);
    const { text, conflict } = this.networkData(nics);
    if (conflict) return [...out, conflictProblem(conflict)];
    const bytes = Buffer.byteLength(text!);
    if (bytes > INLINE_MAX) {
      out.push(problem('cloudInit.networkData', `${bytes} bytes`, `must be at most ${INLINE_MAX} bytes inline (KubeVirt's limit) with the generated NIC `
        + 'entries; set configureGuestNetwork: false and give the whole network data in a Secret (networkDataSecretName)'));
    }
    return out;
  }

  /** The cloud-init volume, or undefined when the VM has nothing for cloud-init. */
  public volume(name: string, nics: Nic[]): VirtualMachineSpecTemplateSpecVolumes | undefined {
    // A conflict in the user's network data is a validation problem (problems()), reported before anything renders.
    const { text: networkData } = this.networkData(nics);
    this.rendered = undefined; // rendered once per synthesis: keep nothing per VM afterwards
    const source: Record<string, any> = {};
    if (this.userDataSecret !== undefined) source.secretRef = { name: this.userDataSecret };
    else if (this.userDataStub) source.userData = STUB_USER_DATA;
    if (this.networkDataSecret !== undefined) source.networkDataSecretRef = { name: this.networkDataSecret };
    if (networkData !== undefined) source.networkData = networkData;
    if (Object.keys(source).length === 0) return undefined;
    return this.datasource === 'noCloud' ? { name, cloudInitNoCloud: source } : { name, cloudInitConfigDrive: source };
  }

  /**
   * The network data written inline: generated (and merged with the user's), or the user's as given. Computed once
   * for validation and reused by rendering (NICs are only ever added, so their count tells whether it is current).
   */
  private networkData(nics: Nic[]): { text?: string; conflict?: NetworkDataConflict } {
    if (this.rendered?.count !== nics.length) this.rendered = { count: nics.length, ...this.computeNetworkData(nics) };
    return this.rendered;
  }

  private computeNetworkData(nics: Nic[]): { text?: string; conflict?: NetworkDataConflict } {
    if (!this.generatesNetworkData) return { text: this.rawNetworkData };
    if (nics.length === 0) return { text: this.userNetworkData ? toYaml(this.userNetworkData) : undefined };
    const guests = this.guestNics(nics);
    const generated = generateNetworkData(guests, this.dns);
    if (!this.userNetworkData) return { text: toYaml(generated) };
    const merged = mergeNetworkData(generated, this.userNetworkData);
    return merged.conflict ? { conflict: merged.conflict } : { text: toYaml(merged.data) };
  }

  private writeSecret(id: string, name: string, data: { [key: string]: string }): string {
    const secret = new k8s.KubeSecret(this.props.scope, id, {
      metadata: metadata({ name, namespace: this.props.namespace, labels: this.props.labels }),
      type: 'Opaque',
      stringData: data,
    });
    setSyncWave(secret, SyncWaves.ACCESS);
    return name;
  }
}

function conflictProblem(c: NetworkDataConflict): string {
  return problem('cloudInit.networkData', '<network data>', `configures the NIC ${c.owner} (MAC ${c.mac}) under the key ${JSON.stringify(c.key)}; `
    + `use the key ${JSON.stringify(c.owner)} to change the generated entry`);
}
