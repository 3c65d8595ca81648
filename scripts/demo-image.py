#!/usr/bin/env python3
"""Pushes a tiny image to a registry on loopback, the way a CI build would: a two-platform
image index with a BuildKit-style attestation manifest (an SPDX SBOM and SLSA provenance).

Used by the README's walkthrough (scripts/demo.sh) where no Docker engine is available.
Usage: demo-image.py HOST:PORT/REPO:TAG [SEED]   (prints the index digest)
"""
import hashlib
import json
import sys
import urllib.request

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"


def call(method, url, body=None, headers=None):
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    with urllib.request.urlopen(req) as resp:
        return resp.headers


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def main():
    if len(sys.argv) < 2 or ":" not in sys.argv[1].split("/", 1)[-1]:
        sys.exit("usage: demo-image.py HOST:PORT/REPO:TAG [SEED]")
    ref = sys.argv[1]
    seed = sys.argv[2] if len(sys.argv) > 2 else ref
    host, rest = ref.split("/", 1)
    repo, tag = rest.rsplit(":", 1)
    base = f"http://{host}/v2/{repo}"

    def blob(data):
        location = call("POST", f"{base}/blobs/uploads/")["Location"]
        if location.startswith("/"):
            location = f"http://{host}{location}"
        sep = "&" if "?" in location else "?"
        d = digest(data)
        call("PUT", f"{location}{sep}digest={d}", data, {"Content-Type": "application/octet-stream"})
        return {"digest": d, "size": len(data)}

    def manifest(ref, data, media_type):
        call("PUT", f"{base}/manifests/{ref}", data, {"Content-Type": media_type})
        return {"mediaType": media_type, "digest": digest(data), "size": len(data)}

    entries = []
    for arch in ("amd64", "arm64"):
        config = json.dumps({"architecture": arch, "os": "linux", "config": {"Labels": {"seed": seed}},
                             "rootfs": {"type": "layers", "diff_ids": []}}).encode()
        layer = f"{seed} for {arch}\n".encode()
        m = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **blob(config)},
                        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", **blob(layer)}]}).encode()
        entry = manifest(digest(m), m, OCI_MANIFEST)
        entry["platform"] = {"architecture": arch, "os": "linux"}
        entries.append(entry)
    layers = []
    for predicate in ("https://spdx.dev/Document", "https://slsa.dev/provenance/v0.2"):
        statement = json.dumps({"_type": "https://in-toto.io/Statement/v0.1", "predicateType": predicate,
                                "subject": [], "predicate": {"seed": seed}}).encode()
        layers.append({"mediaType": "application/vnd.in-toto+json", **blob(statement),
                       "annotations": {"in-toto.io/predicate-type": predicate}})
    att = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                      "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **blob(b"{}")},
                      "layers": layers}).encode()
    entry = manifest(digest(att), att, OCI_MANIFEST)
    entry["annotations"] = {"vnd.docker.reference.digest": entries[0]["digest"],
                            "vnd.docker.reference.type": "attestation-manifest"}
    entry["platform"] = {"architecture": "unknown", "os": "unknown"}
    entries.append(entry)
    index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}).encode()
    print(manifest(tag, index, OCI_INDEX)["digest"])


if __name__ == "__main__":
    main()
