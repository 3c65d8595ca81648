#!/usr/bin/env bash
# `cargo publish --workspace --dry-run`, with the verify build: every crate packaged as crates.io
# would get it, then each package built from its own files (catches a file left out of a package
# and a path dependency that only resolves inside the workspace).
#
# Why the clean-up first: the verify build resolves the workspace's crates from a temporary
# registry (target/package/tmp-registry) and unpacks each .crate into
# $CARGO_HOME/registry/src/<that registry>/<name>-<version>/ only once. An earlier dry run of the
# same version leaves that directory behind, and the next verify build compiles the stale copy:
# a module added since is "not found" (seen here: `release_registry::sample`). Crates of this
# workspace only are removed, at the workspace's version; nothing fetched from crates.io is.
#
# Usage: scripts/publish-dry-run.sh [extra cargo publish options]   (used by .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."

cargo_home="${CARGO_HOME:-$HOME/.cargo}"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
if [ -z "$version" ]; then
  echo "publish-dry-run: no workspace version in Cargo.toml" >&2
  exit 2
fi
for manifest in crates/*/Cargo.toml; do
  name=$(sed -n 's/^name = "\(.*\)"$/\1/p' "$manifest" | head -n 1)
  [ -n "$name" ] || continue
  for stale in "$cargo_home"/registry/src/*/"$name-$version"; do
    [ -d "$stale" ] && rm -rf -- "$stale"
  done
done
rm -rf target/package

# The verify build is a plain dev build of each package; without debug info it compiles and
# links faster, and nothing here is debugged.
export CARGO_PROFILE_DEV_DEBUG=0
cargo publish --workspace --dry-run --locked "$@"
