#!/usr/bin/env bash
# The smoke test of this project's release candidates and hotfixes (release-policy.toml,
# [checks] smoke_command): the binary builds, reads this repository's policy and changelog, and
# plans the tags of a release. Quick by design; the full suite is ./scripts/test.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked -q -p release-cli --bin release
release=target/debug/release
"$release" --version
"$release" policy check release-policy.toml
"$release" changelog lint
plan=$("$release" plan --ref refs/tags/v1.2.0 --sha 0123456789abcdef0123456789abcdef01234567 \
  --released v1.0.0,v1.1.0 --date 2026-07-20 --format list)
for tag in 1.2.0 1.2 1 latest sha-0123456; do
  grep -qx "$tag" <<< "$plan" || { echo "smoke: the plan lacks $tag: $plan" >&2; exit 1; }
done
echo "smoke: ok"
