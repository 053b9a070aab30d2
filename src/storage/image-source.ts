import { IConstruct } from 'constructs';
import { CloneSourceOptions } from './clone-source';
import { checkEnum } from './spec';
import { PullMethod } from './types';
import { check, fail } from '../core/errors';
import { requireDns1123Subdomain } from '../core/names';

/**
 * Where a golden image comes from.
 */
export enum ImageSourceKind {
  /** Downloaded over HTTP(S). */
  HTTP = 'http',
  /** Pulled from a container registry. */
  REGISTRY = 'registry',
  /** Downloaded from an S3-compatible object store. */
  S3 = 's3',
  /** Downloaded from Google Cloud Storage. */
  GCS = 'gcs',
  /** Cloned from an existing PVC. */
  PVC = 'pvc',
  /** An empty disk. */
  BLANK = 'blank',
  /** Pushed in by a client (virtctl image-upload). */
  UPLOAD = 'upload',
}

/**
 * Options of an HTTP(S) import.
 */
export interface HttpSourceOptions {
  /**
   * ConfigMap (in the image's namespace) holding the CA certificate that signs the server's certificate.
   * @default - the system's CAs
   */
  readonly certConfigMap?: string;
  /**
   * Secret (in the image's namespace) with `accessKeyId` (user name) and `secretKey` (password) for basic auth.
   * @default - no credentials
   */
  readonly secretRef?: string;
  /**
   * Expected checksum of the downloaded file, `algorithm:hex` with md5, sha1, sha256 or sha512.
   * @default - not verified
   */
  readonly checksum?: string;
  /**
   * Extra HTTP headers, each `Name: value`, written into the DataVolume as they are: never credentials (they
   * would land in Git); headers that carry credentials go in `secretExtraHeaders`.
   * @default - none
   */
  readonly extraHeaders?: string[];
  /**
   * Secrets (in the image's namespace) each holding one extra HTTP header that carries credentials.
   * @default - none
   */
  readonly secretExtraHeaders?: string[];
}

/**
 * Options of a container registry import.
 */
export interface RegistrySourceOptions {
  /**
   * Who pulls: an importer pod, or the node's container runtime.
   * @default PullMethod.POD
   */
  readonly pullMethod?: PullMethod;
  /**
   * ConfigMap (in the image's namespace) with the registry's CA certificate.
   * @default - the system's CAs
   */
  readonly certConfigMap?: string;
  /**
   * Secret (in the image's namespace) with `accessKeyId` and `secretKey` for the registry.
   * @default - anonymous pull
   */
  readonly secretRef?: string;
}

/**
 * Options of an S3 import.
 */
export interface S3SourceOptions {
  /**
   * ConfigMap (in the image's namespace) with the endpoint's CA certificate.
   * @default - the system's CAs
   */
  readonly certConfigMap?: string;
  /**
   * Secret (in the image's namespace) with `accessKeyId` and `secretKey`.
   * @default - anonymous access
   */
  readonly secretRef?: string;
}

/**
 * Options of a Google Cloud Storage import.
 */
export interface GcsSourceOptions {
  /**
   * Secret (in the image's namespace) with the service account key (`creds.json`).
   * @default - anonymous access (public objects)
   */
  readonly secretRef?: string;
}

interface SourceSettings {
  readonly url?: string;
  readonly http?: HttpSourceOptions;
  readonly registry?: RegistrySourceOptions;
  readonly s3?: S3SourceOptions;
  readonly gcs?: GcsSourceOptions;
  readonly pvc?: { readonly namespace: string; readonly name: string; readonly options: CloneSourceOptions };
}

const CHECKSUM_HEX: Record<string, number> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };

/**
 * The source of a golden image's one import.
 *
 * @example
 * ImageSource.registry('docker://quay.io/containerdisks/fedora:40');
 * ImageSource.http('https://example.com/fedora.qcow2', { checksum: 'sha256:...' });
 * ImageSource.upload(); // for clusters that cannot download: see GoldenImage.uploadCommand()
 */
export class ImageSource {
  /** An HTTP or HTTPS URL of a disk image (qcow2, raw, iso, optionally gz/xz compressed). */
  public static http(url: string, options: HttpSourceOptions = {}): ImageSource {
    return new ImageSource(ImageSourceKind.HTTP, { url, http: options });
  }

  /** A container disk in a registry: `docker://registry/repo:tag` or `oci-archive://...`. */
  public static registry(url: string, options: RegistrySourceOptions = {}): ImageSource {
    return new ImageSource(ImageSourceKind.REGISTRY, { url, registry: options });
  }

  /** An object in an S3-compatible store, as an endpoint URL: `https://s3.example.com/bucket/image.qcow2`. */
  public static s3(url: string, options: S3SourceOptions = {}): ImageSource {
    return new ImageSource(ImageSourceKind.S3, { url, s3: options });
  }

  /** An object in Google Cloud Storage: `gs://bucket/image.qcow2` or its `https://storage.googleapis.com/...` URL. */
  public static gcs(url: string, options: GcsSourceOptions = {}): ImageSource {
    return new ImageSource(ImageSourceKind.GCS, { url, gcs: options });
  }

  /**
   * An existing PVC, cloned once into the golden image. From another namespace, the image's `creator`
   * gets the clone permission CDI checks there.
   */
  public static pvc(namespace: string, name: string, options: CloneSourceOptions = {}): ImageSource {
    return new ImageSource(ImageSourceKind.PVC, { pvc: { namespace, name, options } });
  }

  /** An empty disk. */
  public static blank(): ImageSource {
    return new ImageSource(ImageSourceKind.BLANK, {});
  }

  /**
   * A disk whose bytes a client uploads through the CDI upload proxy: how golden images reach clusters
   * that cannot download (see `GoldenImage.uploadCommand()` and `GoldenImage.grantUpload()`).
   */
  public static upload(): ImageSource {
    return new ImageSource(ImageSourceKind.UPLOAD, {});
  }

  /** Where the image comes from. */
  public readonly kind: ImageSourceKind;
  /** URL of the image, for downloads. */
  public readonly url?: string;
  /** @internal */
  public readonly _settings: SourceSettings;

  private constructor(kind: ImageSourceKind, settings: SourceSettings) {
    this.kind = kind;
    this.url = settings.url;
    this._settings = settings;
  }

  /**
   * The DataVolume `spec.source` for every kind except PVC (rendered as a clone).
   * @internal
   */
  public _render(scope: IConstruct, field: string): Record<string, any> {
    const s = this._settings;
    switch (this.kind) {
      case ImageSourceKind.HTTP: {
        const o = s.http ?? {};
        checkUrl(scope, `${field}.url`, s.url, ['https', 'http'], 'CDI\'s http source');
        const out: Record<string, any> = { url: s.url };
        if (o.certConfigMap !== undefined) out.certConfigMap = requireDns1123Subdomain(scope, `${field}.certConfigMap`, o.certConfigMap);
        if (o.checksum !== undefined) out.checksum = checkChecksum(scope, `${field}.checksum`, o.checksum);
        if (o.extraHeaders !== undefined) {
          o.extraHeaders.forEach((h, i) => {
            check(typeof h === 'string' && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\r\n]*$/.test(h), scope, `${field}.extraHeaders[${i}]`, h,
              'must be an HTTP header "Name: value"');
            const name = h.slice(0, h.indexOf(':'));
            check(!CREDENTIAL_HEADER.test(name), scope, `${field}.extraHeaders[${i}]`, `${name}: <redacted>`,
              'carries credentials, which would be written to Git in the DataVolume; put the header in a Secret and name it in secretExtraHeaders');
          });
          out.extraHeaders = [...o.extraHeaders];
        }
        if (o.secretExtraHeaders !== undefined) {
          o.secretExtraHeaders.forEach((n, i) => requireDns1123Subdomain(scope, `${field}.secretExtraHeaders[${i}]`, n));
          out.secretExtraHeaders = [...o.secretExtraHeaders];
        }
        if (o.secretRef !== undefined) out.secretRef = requireDns1123Subdomain(scope, `${field}.secretRef`, o.secretRef);
        return { http: out };
      }
      case ImageSourceKind.REGISTRY: {
        const o = s.registry ?? {};
        checkUrl(scope, `${field}.url`, s.url, ['docker', 'oci-archive'], 'CDI\'s registry source');
        const out: Record<string, any> = {};
        if (o.certConfigMap !== undefined) out.certConfigMap = requireDns1123Subdomain(scope, `${field}.certConfigMap`, o.certConfigMap);
        if (o.pullMethod !== undefined) out.pullMethod = checkEnum(scope, `${field}.pullMethod`, o.pullMethod, PullMethod as Record<string, PullMethod>, 'PullMethod');
        if (o.secretRef !== undefined) out.secretRef = requireDns1123Subdomain(scope, `${field}.secretRef`, o.secretRef);
        out.url = s.url;
        return { registry: out };
      }
      case ImageSourceKind.S3: {
        const o = s.s3 ?? {};
        checkUrl(scope, `${field}.url`, s.url, ['https', 'http'], 'CDI\'s s3 source (the endpoint URL with bucket and object in the path)');
        const out: Record<string, any> = {};
        if (o.certConfigMap !== undefined) out.certConfigMap = requireDns1123Subdomain(scope, `${field}.certConfigMap`, o.certConfigMap);
        if (o.secretRef !== undefined) out.secretRef = requireDns1123Subdomain(scope, `${field}.secretRef`, o.secretRef);
        out.url = s.url;
        return { s3: out };
      }
      case ImageSourceKind.GCS: {
        const o = s.gcs ?? {};
        checkUrl(scope, `${field}.url`, s.url, ['gs', 'https'], 'CDI\'s gcs source');
        const out: Record<string, any> = {};
        if (o.secretRef !== undefined) out.secretRef = requireDns1123Subdomain(scope, `${field}.secretRef`, o.secretRef);
        out.url = s.url;
        return { gcs: out };
      }
      case ImageSourceKind.BLANK:
        return { blank: {} };
      case ImageSourceKind.UPLOAD:
        return { upload: {} };
      default:
        return fail(scope, field, this.kind, 'cannot be rendered as an import source');
    }
  }
}

const HINTS: Record<string, string> = {
  'oci': 'CDI reads registry images from docker:// and oci-archive:// URLs only',
  's3': 'give S3 objects to ImageSource.s3() as the endpoint URL, e.g. "https://s3.amazonaws.com/bucket/image.qcow2"',
  'gs': 'give Google Cloud Storage objects to ImageSource.gcs()',
  'docker': 'give container images to ImageSource.registry()',
  'oci-archive': 'give container images to ImageSource.registry()',
  'http': 'give web URLs to ImageSource.http()',
  'https': 'give web URLs to ImageSource.http()',
};

/** URLs CDI accepts: an absolute URL with one of `schemes` (datavolume-validate.go validateSourceURL / registry scheme). */
function checkUrl(scope: IConstruct, field: string, url: string | undefined, schemes: string[], what: string): void {
  const m = typeof url === 'string' ? /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\S+)$/.exec(url) : null;
  if (!m) {
    const guess = typeof url === 'string' && /^[\w.-]+(:\d+)?\/\S+$/.test(url) ? `; did you mean "${schemes[0]}://${url}"?` : '';
    fail(scope, field, url, `must be an absolute URL such as "${schemes[0]}://host/path" for ${what}${guess}`);
  }
  const scheme = m[1].toLowerCase();
  if (!schemes.includes(scheme)) {
    const hint = HINTS[scheme] ? `; ${HINTS[scheme]}` : '';
    fail(scope, field, url, `has the unknown scheme ${JSON.stringify(scheme)}: ${what} takes ${schemes.map((x) => `${x}://`).join(' or ')}${hint}`);
  }
  checkNoCredentials(scope, field, m[1], m[2]);
}

/** Header names that carry credentials (authorization schemes, tokens, keys, cookies, signatures). */
const CREDENTIAL_HEADER = /auth|token|secret|passw|cookie|credential|signature|api-?key|session/i;

/**
 * Query parameters that carry credentials: pre-signed S3 (X-Amz-*), GCS (X-Goog-*) and Azure SAS (`sig`) URLs,
 * and the usual token and password names.
 */
const CREDENTIAL_PARAMETER = /^(x-amz-(signature|credential|security-token)|x-goog-(signature|credential)|sig|signature|token|access_token|auth|apikey|api_key|password|passwd|pwd|secret|client_secret)$/i;

/**
 * Credentials never go into an image URL: the DataVolume is written to Git. CDI reads them from the Secret named
 * in `secretRef` (and headers from `secretExtraHeaders`).
 */
function checkNoCredentials(scope: IConstruct, field: string, scheme: string, rest: string): void {
  const authority = rest.split(/[/?#]/, 1)[0];
  const at = authority.lastIndexOf('@');
  // `docker://busybox@sha256:<hex>` is a digest, not a user.
  if (at >= 0 && !/^[a-z0-9]+:[0-9a-f]{32,}$/.test(authority.slice(at + 1))) {
    fail(scope, field, `${scheme}://<redacted>@${rest.slice(at + 1)}`,
      'carries credentials before the host, which would be written to Git in the DataVolume; put them in a Secret and name it in secretRef');
  }
  const query = rest.includes('?') ? rest.slice(rest.indexOf('?') + 1).split('#')[0] : '';
  for (const pair of query.split('&')) {
    const name = decodeURIComponentSafe(pair.split('=')[0]);
    if (CREDENTIAL_PARAMETER.test(name)) {
      fail(scope, field, `${scheme}://${rest.split('?')[0]}?${name}=<redacted>`,
        `carries a credential in the query parameter ${JSON.stringify(name)}, which would be written to Git in the DataVolume; `
        + 'give the credential through secretRef or secretExtraHeaders instead of a signed URL');
    }
  }
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function checkChecksum(scope: IConstruct, field: string, value: string): string {
  const m = typeof value === 'string' ? /^([a-z0-9]+):([0-9a-fA-F]+)$/.exec(value) : null;
  const expected = m ? CHECKSUM_HEX[m[1]] : undefined;
  if (!m || expected === undefined || m[2].length !== expected) {
    fail(scope, field, value, 'must be "algorithm:hex digest" with md5 (32 hex digits), sha1 (40), sha256 (64) or sha512 (128)');
  }
  return value;
}
