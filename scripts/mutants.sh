#!/usr/bin/env bash
# Mutation testing of the crates that decide things (issue 16): would the tests notice if a
# decision changed? Runs cargo-mutants (crates.io: `cargo install --locked cargo-mutants`) on
#
#   core       release-core (all of it: the policy)
#   gate       release-git's gate: tagobj.rs (the strict tag parser), trust.rs (the trust root
#              and G6 reachability), verify.rs (the order of the checks and their verdicts),
#              openpgp.rs and sshsig.rs (the in-process signature verification) and armor.rs
#   changelog  release-changelog
#
# and prints caught / missed / timeout / unviable per target. The missed list of each target is
# kept in docs/mutants/<target>-missed.txt (commit it with the tests that change it). Mutants
# that no test can or should catch are listed, each with its reason, in .cargo/mutants.toml
# (`exclude_re`), which cargo-mutants reads itself.
#
# Usage: scripts/mutants.sh [core|gate|changelog|all]... [-- cargo-mutants options]
#   scripts/mutants.sh core                         # everything in release-core
#   scripts/mutants.sh core -- -f crates/release-core/src/history.rs
#   scripts/mutants.sh gate -- --iterate            # only what was not caught last time
#   MUTANTS_JOBS=2 scripts/mutants.sh all
#
# Not part of .ci/run: a full run takes hours on two cores (release-core alone is ~800 mutants).
# Run it before a release and after changing a decision module (scoped with -f to that file).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo mutants --version >/dev/null 2>&1; then
  echo "cargo-mutants is not installed: cargo install --locked cargo-mutants" >&2
  exit 3
fi

targets=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case "$1" in
    core | gate | changelog) targets+=("$1") ;;
    all) targets+=(core gate changelog) ;;
    *)
      echo "unknown target $1 (core, gate, changelog, all)" >&2
      exit 2
      ;;
  esac
  shift
done
[ "${1:-}" = "--" ] && shift
extra=("$@")
[ "${#targets[@]}" -eq 0 ] && targets=(core gate changelog)

out_root="${MUTANTS_OUT:-target/mutants}"
jobs="${MUTANTS_JOBS:-1}"
mkdir -p "$out_root" docs/mutants

# Mutants are only compiled to be tested: no debug info makes each build and link faster.
export CARGO_PROFILE_DEV_DEBUG=0 CARGO_PROFILE_TEST_DEBUG=0

# Lines in a result file (grep -c prints 0 for an empty file, and exits 1).
count() { if [ -f "$1" ]; then grep -c . "$1" || true; else echo 0; fi; }

status=0
summary=()
for target in "${targets[@]}"; do
  case "$target" in
    core) args=(-p release-core) ;;
    changelog) args=(-p release-changelog) ;;
    gate)
      args=(-p release-git
        -f crates/release-git/src/tagobj.rs
        -f crates/release-git/src/trust.rs
        -f crates/release-git/src/verify.rs
        -f crates/release-git/src/openpgp.rs
        -f crates/release-git/src/sshsig.rs
        -f crates/release-git/src/armor.rs)
      ;;
  esac
  out="$out_root/$target"
  mkdir -p "$out"
  echo "== $target: cargo mutants ${args[*]} ${extra[*]}"
  # Doctests are left out (`--lib --tests`): each is its own compile, and the rules are held by
  # the unit and table tests.
  set +e
  cargo mutants "${args[@]}" --jobs "$jobs" --minimum-test-timeout 60 --no-shuffle \
    -o "$out" "${extra[@]}" -- --lib --tests
  rc=$?
  set -e
  # 0: all caught; 2: some missed; 3: some timed out. Anything else is a failed run.
  case "$rc" in 0 | 2 | 3) ;; *) status=$rc ;; esac
  dir="$out/mutants.out"
  caught=$(count "$dir/caught.txt")
  missed=$(count "$dir/missed.txt")
  timeout=$(count "$dir/timeout.txt")
  unviable=$(count "$dir/unviable.txt")
  viable=$((caught + missed + timeout))
  # A mutant that hangs the tests is noticed (the run fails by timeout): counted as caught.
  pct=$(awk -v c=$((caught + timeout)) -v v="$viable" 'BEGIN { if (v) printf "%.1f", 100 * c / v; else print "-" }')
  { [ -f "$dir/missed.txt" ] && sort "$dir/missed.txt" || true; } >"docs/mutants/$target-missed.txt"
  summary+=("$(printf '%-10s %7s %7s %8s %9s %8s' "$target" "$caught" "$missed" "$timeout" "$unviable" "$pct%")")
  # With --iterate only what was not caught before is tested again: say how much was skipped.
  if [ -f "$dir/previously_caught.txt" ]; then
    summary+=("  ($target: --iterate skipped $(count "$dir/previously_caught.txt") mutants caught or unviable before)")
  fi
done

echo
printf '%-10s %7s %7s %8s %9s %8s\n' target caught missed timeout unviable caught%
printf '%s\n' "${summary[@]}"
echo "missed lists: docs/mutants/<target>-missed.txt; exclusions: .cargo/mutants.toml"
exit "$status"
