import { IConstruct } from 'constructs';
import { check } from '../core/errors';
import { isDns1123Subdomain } from '../core/names';
import {
  VirtualMachineSpecTemplateSpecAccessCredentials,
  VirtualMachineSpecTemplateSpecVolumes,
} from '../imports/kubevirt.io';

/**
 * Cloud-init data of a VM. User data written here goes to a Secret the VM owns (`<vm name>-cloud-init`),
 * never inline into the VM: it often carries passwords and keys, and KubeVirt caps inline data at 2048 bytes.
 */
export interface CloudInitOptions {
  /**
   * User data (e.g. a `#cloud-config` document), written to the VM's cloud-init Secret.
   * @default - none
   */
  readonly userData?: string;
  /**
   * Name of an existing Secret in the VM's namespace whose `userdata` key holds the user data.
   * @default - none
   */
  readonly userDataSecretName?: string;
  /**
   * Network data (network config v1/v2), written to the VM's cloud-init Secret. On an L2-only network this
   * is how the guest gets its address.
   * @default - none
   */
  readonly networkData?: string;
  /**
   * Name of an existing Secret in the VM's namespace whose `networkdata` key holds the network data.
   * @default - none
   */
  readonly networkDataSecretName?: string;
}

/**
 * The cloud-init datasource a VM gets its first-boot configuration from.
 */
export class CloudInit {
  /** The NoCloud datasource (most Linux cloud images). */
  public static noCloud(options: CloudInitOptions): CloudInit {
    return new CloudInit('noCloud', options);
  }

  /** The ConfigDrive datasource (OpenStack images, cloudbase-init on Windows). */
  public static configDrive(options: CloudInitOptions): CloudInit {
    return new CloudInit('configDrive', options);
  }

  /** The minimal NoCloud volume that SSH key propagation needs when the VM has no cloud-init of its own. @internal */
  public static _stub(name: string): VirtualMachineSpecTemplateSpecVolumes {
    return { name, cloudInitNoCloud: { userData: '#cloud-config\n' } };
  }

  private constructor(
    /** `noCloud` or `configDrive`. */
    public readonly datasource: string,
    /** The data. */
    public readonly options: CloudInitOptions) {}

  /**
   * Checks the data; returns what the VM's Secret must hold.
   * @internal
   */
  public _secretData(scope: IConstruct): { [key: string]: string } {
    const o = this.options;
    const pairs = [['userData', 'userDataSecretName'], ['networkData', 'networkDataSecretName']] as const;
    for (const [inline, ref] of pairs) {
      check(o[inline] === undefined || o[ref] === undefined, scope, `cloudInit.${ref}`, o[ref], `cannot be combined with ${inline}: give the data or a Secret holding it`);
      if (o[inline] !== undefined) {
        check(typeof o[inline] === 'string' && o[inline]!.length > 0, scope, `cloudInit.${inline}`, o[inline], 'must not be empty');
      }
      if (o[ref] !== undefined) {
        check(isDns1123Subdomain(o[ref]!), scope, `cloudInit.${ref}`, o[ref], 'must be a DNS-1123 subdomain');
      }
    }
    check([o.userData, o.userDataSecretName, o.networkData, o.networkDataSecretName].some((v) => v !== undefined), scope,
      'cloudInit', {}, 'must have user data or network data (KubeVirt refuses an empty cloud-init volume)');
    const data: { [key: string]: string } = {};
    // KubeVirt reads these keys from the referenced Secrets.
    if (o.userData !== undefined) data.userdata = o.userData;
    if (o.networkData !== undefined) data.networkdata = o.networkData;
    return data;
  }

  /**
   * The cloud-init volume; `secretName` is the VM's own Secret when it has data for it.
   * @internal
   */
  public _volume(name: string, secretName: string | undefined, ownData: { [key: string]: string }): VirtualMachineSpecTemplateSpecVolumes {
    const o = this.options;
    const userSecret = o.userDataSecretName ?? (ownData.userdata !== undefined ? secretName : undefined);
    const networkSecret = o.networkDataSecretName ?? (ownData.networkdata !== undefined ? secretName : undefined);
    const source = {
      secretRef: userSecret !== undefined ? { name: userSecret } : undefined,
      networkDataSecretRef: networkSecret !== undefined ? { name: networkSecret } : undefined,
    };
    return this.datasource === 'noCloud'
      ? { name, cloudInitNoCloud: source }
      : { name, cloudInitConfigDrive: source };
  }
}

/**
 * How KubeVirt puts SSH public keys into the guest (`accessCredentials[].sshPublicKey.propagationMethod`).
 */
export class SshKeyPropagation {
  /**
   * Through the VM's cloud-init datasource (NoCloud or ConfigDrive), at first boot. A VM without cloud-init
   * gets a minimal NoCloud volume for it.
   */
  public static cloudInit(): SshKeyPropagation {
    return new SshKeyPropagation([]);
  }

  /** Through the QEMU guest agent, at runtime, into the `authorized_keys` of these guest users. */
  public static qemuGuestAgent(users: string[]): SshKeyPropagation {
    return new SshKeyPropagation(users ?? [], true);
  }

  private constructor(
    /** Guest users (guest agent propagation). */
    public readonly users: string[],
    /** Whether the guest agent propagates the keys. */
    public readonly viaGuestAgent: boolean = false) {}
}

/**
 * Options of SSH keys.
 */
export interface SshKeysOptions {
  /**
   * How the keys reach the guest.
   * @default SshKeyPropagation.cloudInit()
   */
  readonly propagation?: SshKeyPropagation;
}

/**
 * SSH public keys for the guest, passed as KubeVirt access credentials (never inline in user data).
 */
export class SshKeys {
  /** The keys in an existing Secret of the VM's namespace (every key of the Secret is one public key). */
  public static fromSecret(secretName: string, options: SshKeysOptions = {}): SshKeys {
    return new SshKeys(secretName, undefined, options);
  }

  /** These public keys, written to a Secret the VM owns (`<vm name>-ssh-keys`). */
  public static fromPublicKeys(keys: string[], options: SshKeysOptions = {}): SshKeys {
    return new SshKeys(undefined, keys, options);
  }

  private constructor(
    /** Name of an existing Secret holding the keys. */
    public readonly secretName: string | undefined,
    /** Public keys to write to a Secret. */
    public readonly publicKeys: string[] | undefined,
    /** Options. */
    public readonly options: SshKeysOptions) {}

  /**
   * Checks the keys; returns the data of the VM's own Secret, if it needs one.
   * @internal
   */
  public _secretData(scope: IConstruct): { [key: string]: string } | undefined {
    if (this.secretName !== undefined) {
      check(isDns1123Subdomain(this.secretName), scope, 'sshKeys.secretName', this.secretName, 'must be a DNS-1123 subdomain');
    }
    const users = this.options.propagation?.users ?? [];
    if (this.options.propagation?.viaGuestAgent) {
      check(users.length > 0, scope, 'sshKeys.propagation.users', users, 'must name at least one guest user to receive the keys');
      users.forEach((u, i) => check(typeof u === 'string' && /^[a-z_][a-z0-9_.-]*\$?$/i.test(u), scope, `sshKeys.propagation.users[${i}]`, u, 'must be a guest user name'));
    }
    if (this.publicKeys === undefined) return undefined;
    check(this.publicKeys.length > 0, scope, 'sshKeys', [], 'must list at least one public key');
    const data: { [key: string]: string } = {};
    this.publicKeys.forEach((key, i) => {
      check(typeof key === 'string' && /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/=]+( [^\n\r]*)?$/.test(key.trim()),
        scope, `sshKeys[${i}]`, key, 'must be one OpenSSH public key line such as "ssh-ed25519 AAAA... user@host" (never a private key)');
      data[`key${i + 1}`] = key.trim();
    });
    return data;
  }

  /** @internal */
  public _accessCredential(secretName: string, cloudInitDatasource: string): VirtualMachineSpecTemplateSpecAccessCredentials {
    const p = this.options.propagation;
    const propagationMethod = p?.viaGuestAgent
      ? { qemuGuestAgent: { users: [...p.users] } }
      : cloudInitDatasource === 'configDrive' ? { configDrive: {} } : { noCloud: {} };
    return { sshPublicKey: { source: { secret: { secretName } }, propagationMethod } };
  }
}
