/**
 * Secret material and Git: the app-wide rule that plain Secret data is not written unless the app opts in, and the
 * one writer of `ExternalSecret` objects. Internal: not re-exported by index.ts.
 */
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ClusterComponent, ClusterPrerequisites, PrerequisiteKind } from './prerequisites';
import { ExternalSecretValue, SecretStoreReference } from './secrets';
import { check, problem } from '../core/errors';
import { isDns1123Subdomain } from '../core/names';
import { metadata, setSyncWave, SyncWaves } from '../core/objects';
import { ExternalSecret } from '../imports/external-secrets.io';

/** App context key: `true` lets constructs write plain Secret material (user data, keys) into the manifests. */
export const PLAIN_SECRETS_CONTEXT = 'cdk8s-kubevirt:plainSecretsInGit';

/** The first External Secrets Operator release whose CRDs serve `external-secrets.io/v1` (the version imported). */
const EXTERNAL_SECRETS_MINIMUM = 'v0.16.2';

/**
 * Records that `scope` writes secret material in plain text into the Secret `namespace/name`. Unless the app opts
 * in (context `PLAIN_SECRETS_CONTEXT`, GitOpsApp `allowPlainSecrets`), validation refuses it: manifests go to Git.
 * The value itself is never shown.
 */
export function refusePlainSecretInGit(scope: IConstruct, field: string, namespace: string, name: string, alternatives: string): void {
  scope.node.addValidation({
    validate: () => {
      const allowed = scope.node.tryGetContext(PLAIN_SECRETS_CONTEXT);
      if (allowed === true || allowed === 'true') return [];
      return [problem(field, '<redacted>', `would be written to Git in plain text, in Secret ${namespace}/${name}; ${alternatives}, `
        + `or opt in with GitOpsApp allowPlainSecrets (app context ${JSON.stringify(PLAIN_SECRETS_CONTEXT)})`)];
    },
  });
}

/** One key of the Secret an ExternalSecret fills. */
export interface ExternalSecretEntry {
  /** Key in the Secret, e.g. `userdata`. */
  readonly secretKey: string;
  readonly value: ExternalSecretValue;
  /** Field of the requiring construct, for messages. */
  readonly field: string;
}

/**
 * Writes an ExternalSecret that makes the operator fill the Secret `name` in `namespace` (owned by the
 * ExternalSecret) with `entries`, in the ACCESS sync wave, and registers what it needs from the cluster.
 */
export function writeExternalSecret(scope: Construct, id: string, props: {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: { [key: string]: string };
  readonly entries: ExternalSecretEntry[];
}): ApiObject {
  const [first] = props.entries;
  props.entries.forEach((e) => checkValue(scope, e.field, e.value));
  const storeRef = (s: SecretStoreReference) => ({ kind: s.kind, name: s.name });
  const sameStore = (s: SecretStoreReference) => s.kind === first.value.store.kind && s.name === first.value.store.name;
  const refresh = first.value.options.refreshInterval;
  const spec: Record<string, any> = {};
  if (refresh !== undefined) spec.refreshInterval = `${refresh.toSeconds()}s`;
  spec.secretStoreRef = storeRef(first.value.store);
  spec.target = { name: props.name, creationPolicy: 'Owner' };
  spec.data = props.entries.map((e) => {
    const o = e.value.options;
    const remoteRef: Record<string, string> = { key: e.value.remoteKey };
    if (o.property !== undefined) remoteRef.property = o.property;
    if (o.version !== undefined) remoteRef.version = o.version;
    return {
      secretKey: e.secretKey,
      remoteRef,
      ...(sameStore(e.value.store) ? {} : { sourceRef: { storeRef: storeRef(e.value.store) } }),
    };
  });
  const obj = new ApiObject(scope, id, {
    ...ExternalSecret.GVK,
    metadata: metadata({ name: props.name, namespace: props.namespace, labels: props.labels }),
    spec,
  });
  setSyncWave(obj, SyncWaves.ACCESS);

  const prerequisites = ClusterPrerequisites.of(scope);
  prerequisites.require(obj, {
    kind: PrerequisiteKind.VERSION,
    component: ClusterComponent.EXTERNAL_SECRETS,
    requirement: EXTERNAL_SECRETS_MINIMUM,
    reason: 'ExternalSecret objects of external-secrets.io/v1',
    field: 'apiVersion',
    value: ExternalSecret.GVK.apiVersion,
  });
  for (const store of uniqueStores(props.entries.map((e) => e.value.store))) {
    prerequisites.require(obj, {
      kind: PrerequisiteKind.CONFIGURATION,
      component: ClusterComponent.EXTERNAL_SECRETS,
      requirement: store.kind === 'ClusterSecretStore'
        ? `ClusterSecretStore ${JSON.stringify(store.name)} serving namespace ${props.namespace}`
        : `SecretStore ${JSON.stringify(store.name)} in namespace ${props.namespace}`,
      reason: 'secret material pulled from a store instead of Git',
    });
  }
  return obj;
}

function uniqueStores(stores: SecretStoreReference[]): SecretStoreReference[] {
  const seen = new Map<string, SecretStoreReference>();
  for (const s of stores) seen.set(`${s.kind}/${s.name}`, s);
  return [...seen.values()];
}

function checkValue(scope: IConstruct, field: string, value: ExternalSecretValue): void {
  check(value instanceof ExternalSecretValue, scope, field, value, 'must be an ExternalSecretValue (ExternalSecretValue.fromStore())');
  check(value.store instanceof SecretStoreReference, scope, `${field}.store`, value.store,
    'must be a SecretStoreReference (SecretStoreReference.secretStore() or clusterSecretStore())');
  check(isDns1123Subdomain(value.store.name), scope, `${field}.store.name`, value.store.name, 'must be a DNS-1123 subdomain (the name of the store)');
  // eslint-disable-next-line no-control-regex
  check(typeof value.remoteKey === 'string' && value.remoteKey.trim() !== '' && !/[\u0000-\u001f]/.test(value.remoteKey), scope,
    `${field}.remoteKey`, value.remoteKey, 'must be the non-empty key of the value in the store, without control characters');
  const o = value.options;
  if (o.property !== undefined) {
    check(typeof o.property === 'string' && o.property.trim() !== '', scope, `${field}.property`, o.property,
      'must name a property of the remote secret (or be left out for the whole value)');
  }
  if (o.refreshInterval !== undefined) {
    const seconds = o.refreshInterval.toSeconds({ integral: false });
    check(Number.isInteger(seconds) && seconds >= 0, scope, `${field}.refreshInterval`, `${seconds}s`, 'must be a whole number of seconds');
  }
}
