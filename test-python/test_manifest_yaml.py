"""ManifestYaml from Python: the same YAML as cdk8s's Yaml, for the documents a plain cdk8s app writes."""

import cdk8s

from cdk8s_kubevirt import ManifestYaml

DOCS = [
    {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "labels": {"on": "yes"}},
     "data": {"script.sh": "#!/bin/sh\necho on\n", "empty": "", "n": "0755", "list": "- a", "quote": 'say "hi"'}},
    {"a": [], "b": {}, "c": [1, 2.5, True, None], "d": {"e": [{"f": "g"}]}},
]


def test_stringify_writes_what_cdk8s_yaml_writes():
    assert ManifestYaml.stringify(*DOCS) == cdk8s.Yaml.stringify(*DOCS)


def test_save_writes_what_cdk8s_yaml_saves(tmp_path):
    ManifestYaml.save(str(tmp_path / "fast.yaml"), DOCS)
    cdk8s.Yaml.save(str(tmp_path / "cdk8s.yaml"), DOCS)
    assert (tmp_path / "fast.yaml").read_bytes() == (tmp_path / "cdk8s.yaml").read_bytes()
