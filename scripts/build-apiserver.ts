/**
 * Builds the test control plane (conformance/: kube-apiserver + etcd) into .tmp/conformance/apiserver unless it is
 * up to date (`npx projen conformance:build`; test:all runs it as a step of its own before jest). The first build
 * on a machine compiles Kubernetes (about 4 minutes on 2 cores); later ones come from Go's build cache or are
 * skipped. See test/util/apiserver.ts.
 */
import { ensureApiServerBinary } from '../test/util/apiserver';

ensureApiServerBinary({ log: (line) => console.log(line) }).then(
  (r) => console.log(`${r.binary}: ${r.built ? 'built' : 'up to date'} in ${(r.ms / 1000).toFixed(1)} s`),
  (e: Error) => {
    console.error(e.message);
    process.exit(1);
  },
);
