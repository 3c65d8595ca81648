#!/usr/bin/env bash
# Benchmark: `release plan` as a whole process on 10,000 and 100,000 released tags read from a
# file, against `sort -V FILE | tail -1` on the same file (which only finds the newest tag; the
# plan also parses every tag under the policy and decides every alias). Prints medians of
# several runs and the ratio release/sort (goal at 100k: <= 1.0).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-11}
cargo build --release -q -p release-cli
bin=target/release/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gen() { # N -> file of N release tags in random order (stable, candidates, some noise)
  python3 - "$1" <<'PY'
import random, sys
n = int(sys.argv[1]); random.seed(n)
seen = set(); out = []
while len(out) < n:
    v = f"v{random.randint(0, 30)}.{random.randint(0, 60)}.{random.randint(0, 60)}"
    r = random.random()
    if r < 0.2: v += f"-rc.{random.randint(1, 12)}"
    elif r < 0.22: v = f"docs-{random.randint(0, 10**6)}"
    if v not in seen:
        seen.add(v); out.append(v)
print("\n".join(out))
PY
}

median_ms() { # command... -> median wall time in ms over $runs runs
  local times=()
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
    times+=($(( (e - s) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]/1000}'
}

sortv() { sort -V "$1" | tail -1; }

printf '%-8s %12s %12s %8s\n' tags release_ms sort_V_ms ratio
for n in 10000 100000; do
  file="$work/tags-$n.txt"
  gen "$n" >"$file"
  r=$(median_ms "$bin" plan --ref refs/tags/v31.0.0 --sha 0123456789abcdef0123456789abcdef01234567 \
      --date 2026-07-20 --released-file "$file" --format list)
  s=$(median_ms sortv "$file")
  printf '%-8s %12s %12s %8.2f\n' "$n" "$r" "$s" "$(echo "$r / $s" | bc -l)"
done
