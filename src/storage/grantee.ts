import { IConstruct } from 'constructs';
import { check } from '../core/errors';
import { requireDns1123Label, requireDns1123Subdomain } from '../core/names';

/**
 * Who receives a permission: a ServiceAccount, a user or a group, as an RBAC subject.
 *
 * @example
 * image.grantClone(Grantee.serviceAccount('tenant-a', 'default'));
 */
export class Grantee {
  /** The ServiceAccount `name` in `namespace` (RBAC user `system:serviceaccount:<namespace>:<name>`). */
  public static serviceAccount(namespace: string, name: string): Grantee {
    return new Grantee('ServiceAccount', name, namespace);
  }

  /** A user, as the API server authenticates it (e.g. `jane@example.com`). */
  public static user(name: string): Grantee {
    return new Grantee('User', name, undefined);
  }

  /** A group, as the API server authenticates it (e.g. `vm-operators`). */
  public static group(name: string): Grantee {
    return new Grantee('Group', name, undefined);
  }

  /** RBAC subject kind: `ServiceAccount`, `User` or `Group`. */
  public readonly kind: string;
  /** Name of the subject. */
  public readonly name: string;
  /** Namespace of a ServiceAccount; undefined for users and groups. */
  public readonly namespace?: string;

  private constructor(kind: string, name: string, namespace: string | undefined) {
    this.kind = kind;
    this.name = name;
    this.namespace = namespace;
  }

  /** The user name the API server sees, which is what CDI and RBAC check. */
  public get userName(): string {
    return this.kind === 'ServiceAccount' ? `system:serviceaccount:${this.namespace}:${this.name}` : this.name;
  }

  /**
   * Checks the subject's names for `scope`.
   * @internal
   */
  public _validate(scope: IConstruct, field: string): void {
    if (this.kind === 'ServiceAccount') {
      requireDns1123Label(scope, `${field}.namespace`, this.namespace as string);
      requireDns1123Subdomain(scope, `${field}.name`, this.name);
    } else {
      check(typeof this.name === 'string' && this.name.trim() !== '' && this.name.trim() === this.name, scope, `${field}.name`, this.name,
        'must be a non-empty name without surrounding whitespace');
    }
  }

  /**
   * The RBAC subject.
   * @internal
   */
  public _subject(): { kind: string; name: string; namespace?: string; apiGroup?: string } {
    return this.kind === 'ServiceAccount'
      ? { kind: 'ServiceAccount', name: this.name, namespace: this.namespace }
      : { kind: this.kind, apiGroup: 'rbac.authorization.k8s.io', name: this.name };
  }

  /**
   * A key that identifies the subject.
   * @internal
   */
  public get _key(): string {
    return `${this.kind}:${this.userName}`;
  }
}
