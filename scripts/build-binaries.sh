#!/usr/bin/env bash
# Static Linux binaries of `release` with SHA-256 checksums, on a plain Debian (bookworm or
# later) machine and in this project's release workflow (an Ubuntu runner: same packages).
#
#   scripts/build-binaries.sh [--install] [--out DIR] [--profile release|dev|ci-static] [TARGET...]
#
# TARGET: x86_64-unknown-linux-musl and/or aarch64-unknown-linux-musl (default: both).
# --install: install what the build needs first (rustup targets; Debian's musl-tools,
#   gcc-aarch64-linux-gnu and musl-dev:arm64 through multiarch, qemu-user to run the aarch64
#   binary). Needs root or sudo.
# Writes DIR/release-TARGET, DIR/release-TARGET.sha256 (`sha256sum` format, so
# `sha256sum -c` checks it) and DIR/SHA256SUMS (default DIR: dist). Checks that `file` calls
# every binary statically linked and runs each one (`release --version` must print the
# workspace's version): natively, or under qemu-user (`qemu-aarch64`) for the other
# architecture. Where qemu-user is missing, that binary is reported as NOT RUN, never as passed.
#
# Why these tools: git2 builds libgit2 (and zlib) with `cc`, and rustls' `ring` provider builds
# C and assembly, so each target needs a C compiler for musl. x86_64 uses Debian's `musl-gcc`.
# Debian has no aarch64 musl cross compiler, but it has the pieces: the aarch64 GNU cross gcc and
# musl's aarch64 headers and crt files (`musl-dev:arm64`); a gcc specs file, made from the one
# `musl-gcc` uses, joins them. Rust's musl targets link statically with their own musl libc.
set -euo pipefail
cd "$(dirname "$0")/.."

out=dist
profile=release
install=false
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --install) install=true ;;
    --out) out=$2; shift ;;
    --profile) profile=$2; shift ;;
    x86_64-unknown-linux-musl | aarch64-unknown-linux-musl) targets+=("$1") ;;
    *) echo "build-binaries.sh: unknown argument $1 (targets: x86_64-unknown-linux-musl, aarch64-unknown-linux-musl)" >&2; exit 2 ;;
  esac
  shift
done
[ "${#targets[@]}" -gt 0 ] || targets=(x86_64-unknown-linux-musl aarch64-unknown-linux-musl)

if $install; then
  if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo); fi
  pkgs=(musl-tools file)
  for t in "${targets[@]}"; do
    if [ "$t" = aarch64-unknown-linux-musl ]; then
      pkgs+=(gcc-aarch64-linux-gnu musl-dev:arm64 qemu-user)
      dpkg --print-foreign-architectures | grep -qx arm64 || "${SUDO[@]}" dpkg --add-architecture arm64
    fi
  done
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
  rustup target add "${targets[@]}"
fi

# The aarch64 musl C compiler: gcc's cross compiler with musl's headers, crt files and libc.
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
for t in "${targets[@]}"; do
  if [ "$t" = aarch64-unknown-linux-musl ]; then
    specs=/usr/lib/x86_64-linux-musl/musl-gcc.specs
    for need in "$specs" /usr/include/aarch64-linux-musl /usr/lib/aarch64-linux-musl/libc.a; do
      [ -e "$need" ] || { echo "build-binaries.sh: $need is missing (Debian packages musl-tools and musl-dev:arm64; --install installs them)" >&2; exit 3; }
    done
    command -v aarch64-linux-gnu-gcc >/dev/null || { echo "build-binaries.sh: aarch64-linux-gnu-gcc is missing (Debian package gcc-aarch64-linux-gnu; --install installs it)" >&2; exit 3; }
    sed -e 's/x86_64-linux-musl/aarch64-linux-musl/g' -e 's/ld-musl-x86_64/ld-musl-aarch64/g' "$specs" > "$tools/aarch64-musl-gcc.specs"
    printf '#!/bin/sh\nexec aarch64-linux-gnu-gcc "$@" -specs "%s/aarch64-musl-gcc.specs"\n' "$tools" > "$tools/aarch64-linux-musl-gcc"
    chmod +x "$tools/aarch64-linux-musl-gcc"
    export CC_aarch64_unknown_linux_musl="$tools/aarch64-linux-musl-gcc"
    export AR_aarch64_unknown_linux_musl=aarch64-linux-gnu-ar
    # Rust links its own crt objects and musl libc (self-contained); gcc only drives the linker.
    export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=aarch64-linux-gnu-gcc
  else
    command -v musl-gcc >/dev/null || { echo "build-binaries.sh: musl-gcc is missing (Debian package musl-tools; --install installs it)" >&2; exit 3; }
    export CC_x86_64_unknown_linux_musl=musl-gcc
  fi
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
flag=(--release)
[ "$profile" = release ] || flag=(--profile "$profile")
for t in "${targets[@]}"; do
  echo "== $t ($profile)"
  cargo build --locked -p release-cli --bin release --target "$t" "${flag[@]}"
  dir=$profile
  [ "$profile" != dev ] || dir=debug
  install -m 0755 "target/$t/$dir/release" "$out/release-$t"
  description=$(file -b "$out/release-$t")
  echo "$description"
  case "$description" in
    *"statically linked"* | *"static-pie linked"*) ;;
    *) echo "build-binaries.sh: $out/release-$t is not statically linked: $description" >&2; exit 1 ;;
  esac
  (cd "$out" && sha256sum "release-$t" > "release-$t.sha256")
done
# One file with every checksum, also those of binaries built by earlier runs into DIR.
(cd "$out" && cat release-*.sha256 > SHA256SUMS && sha256sum -c --quiet SHA256SUMS)
# Each binary runs: natively, or under qemu-user for the other architecture. Besides
# `--version`, `plan` reads a real repository's tags through libgit2, the C code cross-built here.
probe=$(mktemp -d)
trap 'rm -rf "$tools" "$probe"' EXIT
git -C "$probe" init -q -b main
git -C "$probe" -c user.name=b -c user.email=b@example.org commit -q --allow-empty -m probe
git -C "$probe" -c user.name=b -c user.email=b@example.org tag -a v0.1.0 -m v0.1.0
probe_sha=$(git -C "$probe" rev-parse HEAD)
want="release $(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' Cargo.toml)"
not_run=()
for t in "${targets[@]}"; do
  arch=${t%%-*}
  if [ "$arch" = "$(uname -m)" ]; then
    runner=()
  elif command -v "qemu-$arch" >/dev/null; then
    runner=("qemu-$arch")
  elif command -v "qemu-$arch-static" >/dev/null; then
    runner=("qemu-$arch-static")
  else
    not_run+=("$t")
    continue
  fi
  said=$("${runner[@]}" "$out/release-$t" --version)
  if [ "$said" != "$want" ]; then
    echo "build-binaries.sh: $out/release-$t --version said \"$said\", expected \"$want\"" >&2
    exit 1
  fi
  plan=$(cd "$probe" && "${runner[@]}" "$out/release-$t" plan --ref refs/tags/v0.2.0 --sha "$probe_sha" --date 2026-07-20 --format list)
  if ! grep -qx 0.2.0 <<< "$plan" || ! grep -qx latest <<< "$plan"; then
    echo "build-binaries.sh: $out/release-$t plan in a repository gave: $plan" >&2
    exit 1
  fi
  echo "ran ${runner[*]:-natively}: $out/release-$t --version: $said; plan over a repository's tags: ok"
done
for t in "${not_run[@]}"; do
  echo "NOT RUN: $out/release-$t (no qemu-${t%%-*}; Debian package qemu-user)"
done
echo "binaries and checksums in $out/"
