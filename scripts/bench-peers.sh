#!/usr/bin/env bash
# `release` against its peers, whole process, release build, every pair measured in the same
# run with hyperfine (medians; Debian package, installed when missing). Prints one table with
# the ratios issue 14 asks for and their goals:
#
#   verify-tag           `release verify-tag vX` vs `git tag -v vX` (same signed tag)    <= 0.3
#   --version            `release --version` vs `parse-changelog --version`              <= 1.0
#   notes --latest       vs `parse-changelog FILE`, the corpus's smallest and largest    <= 1.0
#                        files (ALL=1: every corpus file)
#   lint                 `release changelog lint` vs `parse-changelog --json` (a full    <= 2.0
#                        parse), the largest file
#   prepare              `release changelog prepare` vs `cp` + `sync` of the same file   <= 1.5
#                        (the I/O floor: the atomic save writes and fsyncs it once)
#   peak memory          the heap lint and prepare allocate at their peak / the file     <= 3.0
#                        size (valgrind massif, when valgrind is there); max RSS too, which
#                        also counts the mapped binary and libc
#
# Usage: scripts/bench-peers.sh [CORPUS_DIR]   (default ../shared/corpus/changelogs; RUNS=20)
#   BIN=PATH   measure that `release` binary instead of the cargo release build, e.g. the
#              static one the project ships (scripts/build-binaries.sh x86_64-unknown-linux-musl)
# gpg is needed to make the signed tag (git tag -v uses it too); the gate itself does not.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
CORPUS="$(cd "${1:-../shared/corpus/changelogs}" && pwd)"
RUNS="${RUNS:-20}"

need() {
  command -v "$1" >/dev/null 2>&1 && return
  echo "installing $2" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo); fi
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}
need hyperfine hyperfine
need jq jq
[ -x /usr/bin/time ] || need time time
PATH="$PATH:$HOME/.cargo/bin"
command -v parse-changelog >/dev/null 2>&1 || cargo install --quiet parse-changelog --locked
PC="$(command -v parse-changelog)"

if [ -n "${BIN:-}" ]; then
  REL="$(realpath "$BIN")"
else
  cargo build --quiet --release --locked -p release-cli
  REL="$root/target/release/release"
fi
echo "release: $REL ($(file -b "$REL" | cut -d, -f1-2 | sed 's/ELF 64-bit LSB //'))"

work="$(mktemp -d /tmp/rgp-XXXXXX)"
cleanup() {
  gpgconf --homedir "$work/g" --kill all >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

median() { jq -r ".results[$2].median" "$1"; }
ms() { awk -v s="$1" 'BEGIN { printf "%.2f", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
maxrss() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1; }

# Runs OURS and PEER in one hyperfine run (interleaved warm-ups, same load) and prints a row.
# Extra hyperfine options (e.g. --prepare) go before the two commands, after `--`.
row() { # label goal ours peer [hyperfine options...]
  local label="$1" goal="$2" ours="$3" peer="$4"
  shift 4
  local out="$work/bench.json"
  hyperfine --style none --warmup 3 --runs "$RUNS" -N "$@" --export-json "$out" "$ours" "$peer" \
    >/dev/null 2>&1 ||
    hyperfine --style none --warmup 3 --runs "$RUNS" "$@" --export-json "$out" "$ours" "$peer" >/dev/null
  local o p
  o=$(median "$out" 0)
  p=$(median "$out" 1)
  printf '| %-44s | %9s | %9s | %5s | %-6s |\n' "$label" "$(ms "$o")" "$(ms "$p")" "$(ratio "$o" "$p")" "$goal"
}

echo "| benchmark (release vs peer)                  | release ms | peer ms | ratio | goal |"
echo "|---|---|---|---|---|"

# 1. verify-tag vs git tag -v: a throwaway key, a signed tag, the trusted key file.
export GIT_CONFIG_NOSYSTEM=1 HOME="$work" GIT_CONFIG_GLOBAL="$work/gitconfig" GNUPGHOME="$work/g"
mkdir -m 700 "$work/g"
repo="$work/repo"
git init -q -b main "$repo"
(
  cd "$repo"
  git config user.name "Bench Signer"
  git config user.email "bench@example.org"
  gpg --batch --passphrase '' --quick-gen-key "Bench Signer <bench@example.org>" ed25519 sign never 2>/dev/null
  gpg --batch --check-trustdb >/dev/null 2>&1 || true
  fpr="$(gpg --with-colons --list-secret-keys bench@example.org | awk -F: '/^fpr/ {print $10; exit}')"
  git config user.signingkey "$fpr"
  mkdir -p keys
  gpg --armor --export "$fpr" >keys/release-signers.asc
  printf '[signing]\nopenpgp_keys = ["keys/release-signers.asc"]\n' >release-policy.toml
  git add keys release-policy.toml
  git commit -q -m "trusted keys"
  git tag -s -m "Release v1.0.0" v1.0.0
  "$REL" verify-tag v1.0.0 >/dev/null
  git tag -v v1.0.0 >/dev/null 2>&1
  row "verify-tag vs git tag -v" "<= 0.3" "$REL verify-tag v1.0.0" "git tag -v v1.0.0"
)

# 2. start-up.
row "--version vs parse-changelog --version" "<= 1.0" "$REL --version" "$PC --version"

# 3. notes --latest: the smallest and the largest corpus file (ALL=1: every file).
mapfile -t files < <(ls -S "$CORPUS"/*.md)
if [ "${ALL:-0}" = 1 ]; then
  pick=("${files[@]}")
else
  pick=("${files[-1]}" "${files[0]}")
fi
for f in "${pick[@]}"; do
  kb=$(($(stat -c %s "$f") / 1024))
  if ! "$PC" "$f" >/dev/null 2>&1; then
    # clap's and textual's changelogs repeat a version: parse-changelog refuses them.
    printf '| %-44s | %9s | %9s | %5s | %-6s |\n' "notes --latest, $(basename "$f" | sed 's/__CHANGELOG.md//; s/__/\//') (${kb} KB)" "-" "refuses" "-" "<= 1.0"
    continue
  fi
  row "notes --latest, $(basename "$f" | sed 's/__CHANGELOG.md//; s/__/\//') (${kb} KB)" "<= 1.0" \
    "$REL changelog notes --latest --file $f" "$PC $f"
done

# 4. lint vs a full parse, the largest file.
big="${files[0]}"
size=$(stat -c %s "$big")
kb=$((size / 1024))
row "lint vs parse-changelog --json (${kb} KB)" "<= 2.0" \
  "$REL changelog lint --file $big" "$PC --json $big" -i

# 5. prepare vs cp + sync of the same file, on the same disk.
if grep -qm1 -E '^Version [0-9]' "$big"; then # RELEASES.md style: setext level 1
  printf 'Unreleased\n==========\n\nFixed\n-----\n- Benchmark entry.\n\n' | cat - "$big" >"$work/src.md"
else
  printf '## [Unreleased]\n\n### Fixed\n\n- Benchmark entry.\n\n' | cat - "$big" >"$work/src.md"
fi
row "prepare vs cp + sync (${kb} KB)" "<= 1.5" \
  "$REL changelog prepare 99.0.0 --date 2026-01-01 --repo-url https://github.com/acme/big --file $work/work.md" \
  "sh -c 'cp $work/src.md $work/floor.md && sync $work/floor.md'" \
  --prepare "cp $work/src.md $work/work.md"

# 6. peak memory.
m_lint=$(maxrss "$REL" changelog lint --file "$big" || true)
cp "$work/src.md" "$work/work.md"
m_prep=$(maxrss "$REL" changelog prepare 99.0.0 --date 2026-01-01 --repo-url https://github.com/acme/big --file "$work/work.md")
m_pc=$(maxrss "$PC" --json "$big")
echo
echo "max RSS on the ${kb} KB file: lint ${m_lint} KB ($(ratio "$m_lint" "$kb")x the file), prepare ${m_prep} KB ($(ratio "$m_prep" "$kb")x), parse-changelog --json ${m_pc} KB ($(ratio "$m_pc" "$kb")x)"
# The heap at its peak: what the command itself holds (the file, the scan, the findings), which
# is what grows with the file; RSS adds the mapped binary and libc, a constant.
heap() { # command... -> peak heap bytes
  valgrind --tool=massif --massif-out-file="$work/massif.out" "$@" >/dev/null 2>&1 || true
  grep -o 'mem_heap_B=[0-9]*' "$work/massif.out" | cut -d= -f2 | sort -n | tail -n 1
}
if command -v valgrind >/dev/null 2>&1; then
  h_lint=$(heap "$REL" changelog lint --file "$big")
  cp "$work/src.md" "$work/work.md"
  h_prep=$(heap "$REL" changelog prepare 99.0.0 --date 2026-01-01 --repo-url https://github.com/acme/big --file "$work/work.md")
  h_pc=$(heap "$PC" --json "$big")
fi
if [ -n "${h_lint:-}" ] && [ "${h_lint:-0}" -gt 0 ] && [ -n "${h_prep:-}" ] && [ -n "${h_pc:-}" ]; then
  h_lint=$((h_lint / 1024)) h_prep=$((h_prep / 1024)) h_pc=$((h_pc / 1024))
  echo "peak heap on the ${kb} KB file: lint ${h_lint} KB ($(ratio "$h_lint" "$kb")x the file, goal <= 3.0), prepare ${h_prep} KB ($(ratio "$h_prep" "$kb")x, goal <= 3.0), parse-changelog --json ${h_pc} KB ($(ratio "$h_pc" "$kb")x)"
else
  # massif replaces malloc by preloading: a static binary has no malloc to replace.
  echo "peak heap: NOT MEASURED (needs valgrind and a dynamically linked binary)"
fi
echo "medians of $RUNS runs after 3 warm-ups; each pair ran in one hyperfine invocation."
