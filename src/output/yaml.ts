import * as fs from 'fs';
import { stringifyDocument } from './emitter';

/**
 * Writes YAML exactly as cdk8s's `Yaml` does (the same bytes for the same documents), several times faster.
 *
 * cdk8s renders every manifest through the `yaml` package's general-purpose serializer. `ManifestYaml`
 * writes the same bytes with an emitter specialized for JSON values (objects, arrays, strings, numbers,
 * booleans, null), and hands any other value (class instances, Dates, objects with `toJSON`, one object
 * referenced twice in a document) to cdk8s's `Yaml.stringify`, so the output is the same for every input.
 * `GitOpsApp` writes with it; plain cdk8s apps can call it where they would call `Yaml.stringify` or
 * `Yaml.save`.
 *
 * @example
 * ManifestYaml.save('dist/app.k8s.yaml', chart.toJson());
 */
export class ManifestYaml {
  /**
   * The documents as one YAML string, separated by `---`, as cdk8s's `Yaml.stringify(...docs)` returns
   * them (an undefined document becomes an empty line).
   * @param docs the documents (JSON values)
   */
  public static stringify(...docs: any[]): string {
    let out = '';
    for (let i = 0; i < docs.length; i++) {
      if (i > 0) out += '---\n';
      out += stringifyDocument(docs[i]);
    }
    return out;
  }

  /**
   * Writes the documents to a file as cdk8s's `Yaml.save(filePath, docs)` does.
   * @param filePath the file to write (replaced if it exists)
   * @param docs the documents (JSON values)
   */
  public static save(filePath: string, docs: any[]): void {
    fs.writeFileSync(filePath, ManifestYaml.stringify(...docs), { encoding: 'utf8' });
  }

  private constructor() {}
}
