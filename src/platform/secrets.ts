import { Duration } from 'cdk8s';

/**
 * A secret store of the External Secrets Operator that an `ExternalSecret` pulls from.
 */
export class SecretStoreReference {
  /** A `SecretStore` in the namespace of the object that needs the secret. */
  public static secretStore(name: string): SecretStoreReference {
    return new SecretStoreReference('SecretStore', name);
  }

  /** A `ClusterSecretStore`, which serves every namespace it allows. */
  public static clusterSecretStore(name: string): SecretStoreReference {
    return new SecretStoreReference('ClusterSecretStore', name);
  }

  private constructor(
    /** `SecretStore` or `ClusterSecretStore`. */
    public readonly kind: string,
    /** Name of the store. */
    public readonly name: string) {}
}

/**
 * Options of a value pulled from a secret store.
 */
export interface ExternalSecretValueOptions {
  /**
   * The property of the remote secret that holds the value (a JSON key, a Vault field, ...).
   * @default - the whole remote value
   */
  readonly property?: string;
  /**
   * The version of the remote secret.
   * @default - the latest
   */
  readonly version?: string;
  /**
   * How often the operator refreshes the Secret from the store (whole seconds).
   * @default - the operator's default (one hour)
   */
  readonly refreshInterval?: Duration;
}

/**
 * A secret value that stays out of Git: the library writes an `ExternalSecret` (`external-secrets.io/v1`) and the
 * External Secrets Operator fills a Secret of the same name from the store. Needs the operator (v0.16.2 or later,
 * which serves `external-secrets.io/v1`) and the named store; both are listed among the app's cluster
 * prerequisites.
 *
 * @example
 * CloudInit.noCloud({ userDataFromStore: ExternalSecretValue.fromStore(SecretStoreReference.clusterSecretStore('vault'), 'vms/web/user-data') });
 */
export class ExternalSecretValue {
  /** The value stored under `remoteKey` in `store`. */
  public static fromStore(store: SecretStoreReference, remoteKey: string, options: ExternalSecretValueOptions = {}): ExternalSecretValue {
    return new ExternalSecretValue(store, remoteKey, options);
  }

  private constructor(
    /** The store. */
    public readonly store: SecretStoreReference,
    /** The key of the value in the store. */
    public readonly remoteKey: string,
    /** Options. */
    public readonly options: ExternalSecretValueOptions) {}
}
