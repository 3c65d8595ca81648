#!/usr/bin/env bash
# Benchmarks of release-git against the peers, measured in the same run on the same data:
#
#   1. history from 100,000 packed tags: `release version next --bump patch` and `release plan`
#      for a new tag (read refs/tags/*, parse every tag under the policy, answer) vs
#      `git tag -l 'v*' | sort -V | tail -1`. Goal: ratio <= 0.5.
#   2. verifying one signed tag: `release verify-tag vX` (strict gate, in-process, no gpg) vs
#      `git tag -v vX` (user keyring, one gpg run). Goal: ratio <= 0.3.
#
# scripts/bench-peers.sh prints every ratio of issue 14 (verify-tag, start-up, notes, lint,
# prepare, peak memory) in one table.
#
# Usage: scripts/bench-git.sh [RUNS]   (default 20 runs each; prints one line per benchmark)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"

cargo build --release -q -p release-cli
release="$PWD/target/release/release"

work="$(mktemp -d /tmp/rgb-XXXXXX)"
cleanup() {
  gpgconf --homedir "$work/g" --kill gpg-agent >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
export GIT_CONFIG_NOSYSTEM=1 HOME="$work" GIT_CONFIG_GLOBAL="$work/gitconfig" GNUPGHOME="$work/g"
mkdir -m 700 "$work/g"

repo="$work/repo"
git init -q -b main "$repo"
cd "$repo"
git config user.name "Bench Signer"
git config user.email "bench@example.org"
echo bench > README
git add README
git commit -q -m init
head="$(git rev-parse HEAD)"

# 100,000 lightweight tags v0.0.0 .. v9.99.99, packed as `git pack-refs` leaves them.
{
  echo "# pack-refs with: peeled fully-peeled sorted "
  for a in 0 1 2 3 4 5 6 7 8 9; do
    for b in $(seq 0 99); do
      for c in $(seq 0 99); do
        echo "$head refs/tags/v$a.$b.$c"
      done
    done
  done | LC_ALL=C sort -k2
} > .git/packed-refs

# Runs two commands alternately RUNS times each (so a change in machine load hits both alike)
# and prints the total milliseconds of each: "OURS PEER". Uses $EPOCHREALTIME (no process spawn).
time_pair() {
  local -n _ours=$1 _peer=$2
  local ours=0 peer=0 t0 t1
  for _ in $(seq "$runs"); do
    t0=${EPOCHREALTIME/./}; "${_ours[@]}" >/dev/null 2>&1; t1=${EPOCHREALTIME/./}
    ours=$((ours + t1 - t0))
    t0=${EPOCHREALTIME/./}; "${_peer[@]}" >/dev/null 2>&1; t1=${EPOCHREALTIME/./}
    peer=$((peer + t1 - t0))
  done
  echo "$((ours / 1000)) $((peer / 1000))"
}

peer_history() { git tag -l 'v*' | sort -V | tail -1; }

want="$(peer_history)"
got="$("$release" version next --bump patch --json | sed -n 's/.*"from": "\(.*\)".*/\1/p')"
if [ "$want" != "v$got" ]; then
  echo "history mismatch: git says $want, release says $got" >&2
  exit 1
fi
ours_cmd=("$release" version next --bump patch)
peer_cmd=(peer_history)
read -r ours peer < <(time_pair ours_cmd peer_cmd)
awk -v o="$ours" -v p="$peer" -v n="$runs" 'BEGIN {
  printf "history (100,000 packed tags): release %.1f ms, git tag -l | sort -V | tail -1 %.1f ms, ratio %.2f (goal <= 0.5)\n", o/n, p/n, o/p }'

ours_cmd=("$release" plan --ref refs/tags/v9.99.100 --sha "$head" --date 2026-01-01 --format list)
read -r ours peer < <(time_pair ours_cmd peer_cmd)
awk -v o="$ours" -v p="$peer" -v n="$runs" 'BEGIN {
  printf "plan of a new tag (100,000 packed tags): release plan %.1f ms, git tag -l | sort -V | tail -1 %.1f ms, ratio %.2f (goal <= 0.5)\n", o/n, p/n, o/p }'

# One signed tag, a throwaway key, the trusted key file the policy names.
gpg --batch --passphrase '' --quick-gen-key "Bench Signer <bench@example.org>" ed25519 sign never 2>/dev/null
gpg --batch --check-trustdb >/dev/null 2>&1 || true
fpr="$(gpg --with-colons --list-secret-keys bench@example.org | awk -F: '/^fpr/ {print $10; exit}')"
git config user.signingkey "$fpr"
mkdir -p keys
gpg --armor --export "$fpr" > keys/release-signers.asc
printf '[signing]\nopenpgp_keys = ["keys/release-signers.asc"]\n' > release-policy.toml
git add keys release-policy.toml
git commit -q -m "trusted keys"
"$release" tag 10.0.0 --execute --released "" >/dev/null
"$release" verify-tag v10.0.0 >/dev/null
git tag -v v10.0.0 >/dev/null 2>&1
ours_cmd=("$release" verify-tag v10.0.0)
peer_cmd=(git tag -v v10.0.0)
read -r ours peer < <(time_pair ours_cmd peer_cmd)
awk -v o="$ours" -v p="$peer" -v n="$runs" 'BEGIN {
  printf "verify one signed tag: release verify-tag %.1f ms, git tag -v %.1f ms, ratio %.2f (goal <= 0.3)\n", o/n, p/n, o/p }'
