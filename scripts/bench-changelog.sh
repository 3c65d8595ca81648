#!/usr/bin/env bash
# Benchmarks of `release changelog` against parse-changelog, whole process, release build.
#
#   scripts/bench-changelog.sh [CORPUS_DIR]   (default: ../shared/corpus/changelogs)
#
# Inputs: rust-lang's RELEASES.md (728 KB) and ratatui's CHANGELOG.md (503 KB) from the corpus,
# and a 50 MB Keep a Changelog file generated here into a temporary folder.
# For each: `notes --latest`, notes of the oldest version, `lint` and `prepare`, against
# parse-changelog doing the same extraction (latest / oldest). hyperfine (Debian package,
# installed when missing) runs each command several times after warm-ups; the medians and
# their ratios are printed. Peak memory (max RSS, GNU time) is compared with the file size.
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS="${1:-../shared/corpus/changelogs}"
RUNS="${RUNS:-10}"

need() {
  command -v "$1" >/dev/null 2>&1 && return
  echo "installing $2"
  if [ "$(id -u)" = 0 ]; then SUDO=(); else SUDO=(sudo); fi
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "$2" >/dev/null
}
need hyperfine hyperfine
need jq jq
[ -x /usr/bin/time ] || need time time
command -v parse-changelog >/dev/null 2>&1 || cargo install --quiet parse-changelog --locked
PC="$(command -v parse-changelog)"

cargo build --quiet --release --locked -p release-cli
REL="$PWD/target/release/release"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# A 50 MB changelog: Unreleased, then versions newest first with categories, entries (some with
# code fences and links), and a footer of link definitions.
gen() {
  awk -v target=$((50 * 1024 * 1024)) 'BEGIN {
    print "# Changelog\n\nAll notable changes to this project will be documented in this file.\n"
    print "## [Unreleased]\n\n### Added\n\n- Something new that is not released yet.\n"
    size = 200; n = 0
    n = int(target / 285)
    for (i = n; i >= 1; i--) {
      v = sprintf("%d.%d.%d", int(i / 10000), int(i / 100) % 100, i % 100)
      s = sprintf("## [%s] - 20%02d-%02d-%02d\n\n### Added\n\n- Added the widget number %d ([#%d]).\n- Improved `frobnicate` for case %d.\n\n### Fixed\n\n- Fixed a crash when the input is empty.\n- Fixed a typo in the help text.\n", v, 10 + int(i / 10000) % 80, 1 + int(i / 100) % 12, 1 + i % 28, i, i, i)
      if (i % 7 == 0) s = s "\n  ```\n  ## [0.0.0] not a heading\n  ```\n"
      print s
      vs[i] = v
    }
    print "[Unreleased]: https://github.com/acme/big/compare/v" vs[n] "...HEAD"
    for (i = n; i >= 2; i--) print "[" vs[i] "]: https://github.com/acme/big/compare/v" vs[i - 1] "...v" vs[i]
    print "[" vs[1] "]: https://github.com/acme/big/releases/tag/v" vs[1]
  }'
}
gen >"$TMP/big.md"

median() { jq -r '.results[0].median' "$1"; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
maxrss() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1; }

bench() { # name, command...
  local out="$TMP/$1.json"
  shift
  hyperfine --style none --warmup 2 --runs "$RUNS" -N --export-json "$out" "$@" >/dev/null 2>&1 ||
    hyperfine --style none --warmup 2 --runs "$RUNS" --export-json "$out" "$@" >/dev/null
  median "$out"
}

printf '%-14s %-16s %10s %10s %7s\n' "file" "operation" "release" "peer" "ratio"
for input in "rust:$CORPUS/rust-lang__rust__CHANGELOG.md" "ratatui:$CORPUS/ratatui__ratatui__CHANGELOG.md" "generated-50MB:$TMP/big.md"; do
  label="${input%%:*}"
  f="${input#*:}"
  size=$(stat -c %s "$f")
  # The oldest version both tools can extract (parse-changelog refuses `0.1`-style versions).
  oldest=""
  for v in $("$REL" changelog list --file "$f" | grep -vx Unreleased | tac); do
    if "$PC" "$f" "$v" >/dev/null 2>&1; then oldest="$v"; break; fi
  done
  latest="$("$REL" changelog list --file "$f" | grep -vx Unreleased | sed -n 1p)"
  cmp -s <("$REL" changelog notes --latest --file "$f" | sed '/./,$!d') <("$PC" "$f" | sed '/./,$!d') ||
    echo "note: notes --latest of $label differ from parse-changelog's (see the conformance script)"

  pc_latest=$(bench pc-latest "$PC $f")
  us_latest=$(bench us-latest "$REL changelog notes --latest --file $f")
  pc_oldest=$(bench pc-oldest "$PC $f $oldest")
  us_oldest=$(bench us-oldest "$REL changelog notes $oldest --file $f")
  us_lint=$(bench us-lint -i "$REL changelog lint --file $f")
  cp "$f" "$TMP/work.md"
  # prepare needs a non-empty Unreleased: files without one get an entry first.
  if ! "$REL" changelog list --file "$f" | grep -qx Unreleased; then
    if grep -qm1 -E '^Version [0-9]' "$f"; then # RELEASES.md style: setext level 1
      printf 'Unreleased\n==========\n\nFixed\n-----\n- Benchmark entry.\n\n' | cat - "$f" >"$TMP/src.md"
    else
      printf '## [Unreleased]\n\n### Fixed\n\n- Benchmark entry.\n\n' | cat - "$f" >"$TMP/src.md"
    fi
  else
    "$REL" changelog add --category Fixed "Benchmark entry." --file "$TMP/work.md" >/dev/null
    cp "$TMP/work.md" "$TMP/src.md"
  fi
  hyperfine --style none --warmup 2 --runs "$RUNS" -N --export-json "$TMP/us-prepare.json" \
    --prepare "cp $TMP/src.md $TMP/work.md" \
    "$REL changelog prepare 99.0.0 --date 2026-01-01 --repo-url https://github.com/acme/big --file $TMP/work.md" >/dev/null
  us_prepare=$(median "$TMP/us-prepare.json")
  # The same on tmpfs, where fsync costs nothing: the compute part of prepare.
  us_prepare_shm=""
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    SHM="$(mktemp -d /dev/shm/bench-changelog.XXXXXX)"
    cp "$TMP/src.md" "$SHM/src.md"
    hyperfine --style none --warmup 2 --runs "$RUNS" -N --export-json "$TMP/us-prepare-shm.json" \
      --prepare "cp $SHM/src.md $SHM/work.md" \
      "$REL changelog prepare 99.0.0 --date 2026-01-01 --repo-url https://github.com/acme/big --file $SHM/work.md" >/dev/null
    us_prepare_shm=$(median "$TMP/us-prepare-shm.json")
    rm -rf "$SHM"
  fi

  printf '%-14s %-16s %8sms %8sms %7s\n' "$label" "notes --latest" "$(ms "$us_latest")" "$(ms "$pc_latest")" "$(ratio "$us_latest" "$pc_latest")"
  printf '%-14s %-16s %8sms %8sms %7s\n' "$label" "notes $oldest" "$(ms "$us_oldest")" "$(ms "$pc_oldest")" "$(ratio "$us_oldest" "$pc_oldest")"
  printf '%-14s %-16s %8sms %8sms %7s\n' "$label" "lint" "$(ms "$us_lint")" "$(ms "$pc_oldest")" "$(ratio "$us_lint" "$pc_oldest")"
  printf '%-14s %-16s %8sms %8sms %7s\n' "$label" "prepare (disk)" "$(ms "$us_prepare")" "$(ms "$pc_oldest")" "$(ratio "$us_prepare" "$pc_oldest")"
  [ -z "$us_prepare_shm" ] ||
    printf '%-14s %-16s %8sms %8sms %7s\n' "$label" "prepare (tmpfs)" "$(ms "$us_prepare_shm")" "$(ms "$pc_oldest")" "$(ratio "$us_prepare_shm" "$pc_oldest")"

  cp "$TMP/src.md" "$TMP/work.md"
  m_notes=$(maxrss "$REL" changelog notes "$oldest" --file "$f")
  m_lint=$(maxrss "$REL" changelog lint --file "$f" || true)
  m_prep=$(maxrss "$REL" changelog prepare 99.0.0 --date 2026-01-01 --repo-url https://github.com/acme/big --file "$TMP/work.md")
  m_pc=$(maxrss "$PC" "$f" "$oldest")
  kb=$((size / 1024))
  echo "$label: file ${kb} KB; max RSS: notes ${m_notes} KB ($(ratio "$m_notes" "$kb")x), lint ${m_lint} KB ($(ratio "$m_lint" "$kb")x), prepare ${m_prep} KB ($(ratio "$m_prep" "$kb")x), parse-changelog ${m_pc} KB ($(ratio "$m_pc" "$kb")x)"
done
echo "prepare (disk) includes the fsync of the atomic save; prepare (tmpfs) runs where fsync is free."
echo "ratios: release / parse-changelog medians ($RUNS runs after 2 warm-ups); lint and prepare are compared with parse-changelog's extraction of the oldest version (a full read)."
