import { IConstruct } from 'constructs';
import { check } from '../core/errors';
import { isDns1123Subdomain } from '../core/names';
import { VirtualMachineSpecTemplateSpecAccessCredentials } from '../imports/kubevirt.io';
import { ExternalSecretValue } from '../platform/secrets';

/**
 * Cloud-init data of a VM. User data often carries passwords and keys, so it never goes inline into the VM and,
 * by default, never into Git: reference an existing Secret (`userDataSecretName`) or pull it from a secret store
 * (`userDataFromStore`). Plain `userData` is written to a Secret the VM owns (`<vm name>-cloud-init`) only when the
 * app opts in (GitOpsApp `allowPlainSecrets`). Network data is not secret: the library generates it from the VM's
 * NICs and merges `networkData` into it (see `KubeVirtVm` `configureGuestNetwork`).
 */
export interface CloudInitOptions {
  /**
   * User data (e.g. a `#cloud-config` document), written in plain text to the VM's Secret `<vm name>-cloud-init`:
   * refused unless the app allows plain secrets in Git.
   * @default - none
   */
  readonly userData?: string;
  /**
   * Name of an existing Secret in the VM's namespace whose `userdata` key holds the user data.
   * @default - none
   */
  readonly userDataSecretName?: string;
  /**
   * User data kept in a secret store: an `ExternalSecret` named `<vm name>-cloud-init` makes the External Secrets
   * Operator fill the Secret of that name, which the VM reads.
   * @default - none
   */
  readonly userDataFromStore?: ExternalSecretValue;
  /**
   * Network data. With generated network data (the default on NoCloud) it must be network config version 2 and
   * is merged into the generated entries (an `ethernets` entry under a NIC's interface name changes that NIC);
   * otherwise it is written as it is. Written inline into the VM (KubeVirt takes at most 2048 bytes there).
   * @default - only the generated network data
   */
  readonly networkData?: string;
  /**
   * Name of an existing Secret in the VM's namespace whose `networkdata` key holds the whole network data; the
   * library then generates none.
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

  /**
   * The ConfigDrive datasource (OpenStack images, cloudbase-init on Windows). Its network data is OpenStack's
   * `network_data.json`, so the library generates none.
   */
  public static configDrive(options: CloudInitOptions): CloudInit {
    return new CloudInit('configDrive', options);
  }

  private constructor(
    /** `noCloud` or `configDrive`. */
    public readonly datasource: string,
    /** The data. */
    public readonly options: CloudInitOptions) {}

  /**
   * Checks the data.
   * @internal
   */
  public _check(scope: IConstruct): void {
    const o = this.options;
    const userSources = (['userData', 'userDataSecretName', 'userDataFromStore'] as const).filter((k) => o[k] !== undefined);
    check(userSources.length <= 1, scope, `cloudInit.${userSources[1]}`, userSources[1] === 'userDataFromStore' ? '<store>' : o[userSources[1]],
      `cannot be combined with ${userSources[0]}: give the user data one way`);
    check(o.networkData === undefined || o.networkDataSecretName === undefined, scope, 'cloudInit.networkDataSecretName', o.networkDataSecretName,
      'cannot be combined with networkData: give the data or a Secret holding it');
    for (const inline of ['userData', 'networkData'] as const) {
      if (o[inline] !== undefined) {
        check(typeof o[inline] === 'string' && o[inline]!.length > 0, scope, `cloudInit.${inline}`, o[inline], 'must not be empty');
      }
    }
    for (const ref of ['userDataSecretName', 'networkDataSecretName'] as const) {
      if (o[ref] !== undefined) {
        check(isDns1123Subdomain(o[ref]!), scope, `cloudInit.${ref}`, o[ref], 'must be a DNS-1123 subdomain');
      }
    }
    check(userSources.length > 0 || o.networkData !== undefined || o.networkDataSecretName !== undefined, scope,
      'cloudInit', {}, 'must have user data or network data (KubeVirt refuses an empty cloud-init volume)');
  }
}

/**
 * How KubeVirt puts SSH public keys into the guest (`accessCredentials[].sshPublicKey.propagationMethod`).
 */
export class SshKeyPropagation {
  /**
   * Through the VM's cloud-init datasource (NoCloud or ConfigDrive), at first boot. A VM without user data gets
   * a minimal `#cloud-config` user data for it.
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

  /**
   * These public keys, written to a Secret the VM owns (`<vm name>-ssh-keys`). Public keys are not secret, so they
   * may stay in Git: this Secret is written whatever the app's plain-secret setting (private keys are refused).
   */
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
