#!/usr/bin/env python3
"""Derives flinkdeployment.schema.json from the FlinkDeployment CRD of a Flink Kubernetes Operator release.

The JSON Schema covers the parts of a FlinkDeployment that eventpipe's manifests use, with the operator's own field
names, types and enums:
- every object on the manifests' paths is closed (additionalProperties: false): its fields are the CRD's, a field
  the manifests do not use is kept with its type only, and any other name is an error (the API server would drop
  it without a word: the CRD is a structural schema that prunes unknown fields);
- spec.flinkConfiguration (x-kubernetes-preserve-unknown-fields in the CRD) is a flat map of string values, as
  eventpipe writes it;
- "required" lists what eventpipe's deployments need and what the Pod API requires (the CRD lists nothing).

Maintainers run it when the operator version changes (needs PyYAML), and commit the result:
  git -C <flink-kubernetes-operator clone> show release-X.Y.Z:helm/flink-kubernetes-operator/crds/flinkdeployments.flink.apache.org-v1.yml > crd.yml
  deploy/kubernetes/schema/derive.py crd.yml release-X.Y.Z <commit> deploy/kubernetes/*.yaml \
      > deploy/kubernetes/schema/flinkdeployment.schema.json
"""
import json
import sys

import yaml

REQUIRED = {
    (): ["apiVersion", "kind", "metadata", "spec"],
    ("metadata",): ["name"],
    ("spec",): ["image", "flinkVersion", "serviceAccount", "flinkConfiguration", "jobManager", "taskManager", "job"],
    ("spec", "job"): ["jarURI", "parallelism", "upgradeMode", "state"],
    ("spec", "jobManager"): ["resource"],
    ("spec", "taskManager"): ["resource"],
    ("spec", "jobManager", "resource"): ["cpu", "memory"],
    ("spec", "taskManager", "resource"): ["cpu", "memory"],
    # the Pod API's own requirements
    ("spec", "podTemplate", "spec", "containers", "[]"): ["name"],
    ("spec", "podTemplate", "spec", "containers", "[]", "env", "[]"): ["name"],
    ("spec", "podTemplate", "spec", "containers", "[]", "volumeMounts", "[]"): ["name", "mountPath"],
    ("spec", "podTemplate", "spec", "volumes", "[]"): ["name"],
}


def scalar(node):
    if node.get("x-kubernetes-int-or-string"):
        return {"anyOf": [{"type": "integer"}, {"type": "string"}]}
    out = {}
    if "type" in node:
        out["type"] = node["type"]
    if "enum" in node:
        out["enum"] = node["enum"]
    return out


def derive(node, values, path):
    """node: the CRD schema at path; values: what the manifests hold there."""
    if node.get("x-kubernetes-preserve-unknown-fields") and "properties" not in node:
        return {"type": "object", "additionalProperties": {"type": "string"}}
    if node.get("type") == "array":
        items = [v for value in values for v in value]
        return {"type": "array", "items": derive(node["items"], items, path + ("[]",))}
    if node.get("type") == "object" and "properties" in node:
        props = {}
        for name, child in sorted(node["properties"].items()):
            used = [v[name] for v in values if isinstance(v, dict) and name in v]
            props[name] = derive(child, used, path + (name,)) if used else scalar(child)
        out = {"type": "object", "additionalProperties": False, "properties": props}
        if path in REQUIRED:
            out["required"] = REQUIRED[path]
        return out
    if node.get("type") == "object" and "additionalProperties" in node:
        return {"type": "object", "additionalProperties": scalar(node["additionalProperties"])}
    return scalar(node)


def main(crd_file, tag, commit, manifests):
    crd = yaml.safe_load(open(crd_file))
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1beta1")
    root = version["schema"]["openAPIV3Schema"]
    deployments = [d for m in manifests for d in yaml.safe_load_all(open(m))
                   if d and d.get("kind") == "FlinkDeployment"]
    spec = derive(root["properties"]["spec"], [d["spec"] for d in deployments], ("spec",))
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$comment": f"Derived by deploy/kubernetes/schema/derive.py from the FlinkDeployment CRD (v1beta1) of "
                    f"apache/flink-kubernetes-operator {tag} ({commit}), "
                    f"helm/flink-kubernetes-operator/crds/flinkdeployments.flink.apache.org-v1.yml, cut to the "
                    f"fields eventpipe's manifests use. Do not edit by hand.",
        "title": f"FlinkDeployment as eventpipe deploys it (operator {tag})",
        "type": "object",
        "additionalProperties": False,
        "required": REQUIRED[()],
        "properties": {
            "apiVersion": {"const": crd["spec"]["group"] + "/v1beta1"},
            "kind": {"const": crd["spec"]["names"]["kind"]},
            "metadata": {"type": "object", "required": REQUIRED[("metadata",)],
                         "properties": {"name": {"type": "string"}, "namespace": {"type": "string"},
                                        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                                        "annotations": {"type": "object",
                                                        "additionalProperties": {"type": "string"}}}},
            "spec": spec,
        },
    }
    json.dump(schema, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
