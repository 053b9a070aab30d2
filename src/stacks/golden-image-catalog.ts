import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { StackImage } from './high-performance-vms';
import { check } from '../core/errors';
import { CloneSource } from '../storage/clone-source';
import { ClonedDisk } from '../storage/cloned-disk';
import { GoldenImage } from '../storage/golden-image';
import { Grantee } from '../storage/grantee';
import { ImageSource } from '../storage/image-source';

/**
 * An image that arrives by upload, for clusters that cannot download (air-gapped).
 */
export interface StackUploadImage {
  /** Name of the image. */
  readonly name: string;
  /** Size of the image's disk (room for the uploaded image, converted to raw). */
  readonly size: string;
}

/**
 * A clone of a catalog image.
 */
export interface StackClone {
  /** Name of the cloned DataVolume. */
  readonly name: string;
  /** Namespace of the clone (another namespace gets the clone permission it needs). */
  readonly namespace: string;
  /** Name of the catalog image to clone. */
  readonly image: string;
  /**
   * Size of the clone (at least the image's).
   * @default - the image's size
   */
  readonly size?: string;
}

/**
 * A catalog of golden images.
 */
export interface GoldenImageCatalogStackProps {
  /** Namespace of the catalog. */
  readonly namespace: string;
  /** Storage class of the images and clones. */
  readonly storageClass: string;
  /**
   * Images imported once from a URL or registry.
   * @default - none
   */
  readonly images?: StackImage[];
  /**
   * Images that arrive by upload (air-gapped clusters).
   * @default - none
   */
  readonly uploadImages?: StackUploadImage[];
  /**
   * Who may upload images.
   * @default - nobody besides cluster administrators
   */
  readonly uploaders?: Grantee[];
  /**
   * Standalone clones of catalog images.
   * @default - none
   */
  readonly clones?: StackClone[];
  /**
   * The identity that applies the manifests (the GitOps controller); CDI checks clone permission against
   * it for standalone clones into other namespaces.
   * @default - required only when a clone goes to another namespace
   */
  readonly applier?: Grantee;
}

/**
 * The talk's storage story as a catalog: golden images imported once, ahead of time (the talk's "pre-allocated
 * DataVolumes", bound immediately), images that arrive by CDI upload for highly isolated
 * clusters, and clones of them, with the permissions cross-namespace clones and uploads need.
 */
export class GoldenImageCatalogStack extends Chart {
  /** Every image of the catalog, by name. */
  public readonly images: { [name: string]: GoldenImage } = {};
  /** The clones. */
  public readonly clones: ClonedDisk[];

  constructor(scope: Construct, id: string, props: GoldenImageCatalogStackProps) {
    super(scope, id, { namespace: props.namespace });
    // Names first: a second image of one name would otherwise fail on its construct id, without our message.
    const names = [...(props.images ?? []).map((i) => i.name), ...(props.uploadImages ?? []).map((i) => i.name)];
    names.forEach((name, i) => check(names.indexOf(name) === i, this, 'images', name, 'is listed twice; image names are unique in a catalog'));
    for (const spec of props.images ?? []) {
      this.images[spec.name] = new GoldenImage(this, spec.name, {
        name: spec.name, source: spec.source, size: spec.size, storageClass: props.storageClass,
      });
    }
    for (const spec of props.uploadImages ?? []) {
      const image = new GoldenImage(this, spec.name, {
        name: spec.name, source: ImageSource.upload(), size: spec.size, storageClass: props.storageClass,
      });
      (props.uploaders ?? []).forEach((u) => image.grantUpload(u));
      this.images[spec.name] = image;
    }
    this.clones = (props.clones ?? []).map((c) => {
      const image = this.images[c.image];
      check(image !== undefined, this, `clones.${c.name}.image`, c.image, `is not an image of this catalog (${Object.keys(this.images).join(', ') || 'none'})`);
      return new ClonedDisk(this, `clone-${c.namespace}-${c.name}`, {
        name: c.name,
        namespace: c.namespace,
        source: CloneSource.fromGoldenImage(image),
        size: c.size,
        storageClass: props.storageClass,
        creator: c.namespace === props.namespace ? undefined : props.applier,
      });
    });
  }
}
