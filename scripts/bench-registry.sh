#!/usr/bin/env bash
# Peer check and benchmark of `release registry` against skopeo (Debian), on one local
# docker-registry started here on a free 127.0.0.1 port with temporary storage.
#
#   - retag of 3 aliases: `release registry retag IMAGE SRC a b c --execute` (default: checks
#     the targets first; and with --no-check) vs three `skopeo copy --multi-arch index-only
#     --preserve-digests` processes;
#   - verification of 4 tags: `release registry digest IMAGE:t1 … IMAGE:t4` vs four
#     `skopeo inspect --raw` processes.
#
# Requests per operation come from the registry's access log; times are whole-process wall
# times, medians of RUNS runs (default 9). After the retags both tools must agree on the
# digests, and both must equal the source's. Needs: docker-registry, skopeo, curl, sha256sum.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-9}
cargo build --release --locked -q -p release-cli
BIN="$PWD/target/release/release"

work=$(mktemp -d)
reg_pid=""
cleanup() {
  if [ -n "$reg_pid" ]; then kill "$reg_pid" 2>/dev/null || true; wait "$reg_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A free port: one nobody answers on.
port=""
for _ in $(seq 1 50); do
  p=$((20000 + RANDOM % 30000))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || { echo "no free port" >&2; exit 3; }
H="127.0.0.1:$port"

cat >"$work/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $work/storage
http:
  addr: $H
EOF
/usr/bin/docker-registry serve "$work/config.yml" >"$work/access.log" 2>"$work/registry.err" &
reg_pid=$!
for _ in $(seq 1 200); do
  curl -fsS "http://$H/v2/" >/dev/null 2>&1 && break
  sleep 0.05
done

# ---- seeding through the registry API ---------------------------------------------------
sha() { sha256sum "$1" | cut -d' ' -f1; }
push_blob() { # FILE -> prints digest
  local d loc
  d="sha256:$(sha "$1")"
  loc=$(curl -fsS -o /dev/null -D - -X POST "http://$H/v2/app/blobs/uploads/" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  case "$loc" in http*) ;; *) loc="http://$H$loc" ;; esac
  case "$loc" in *\?*) loc="$loc&digest=$d" ;; *) loc="$loc?digest=$d" ;; esac
  curl -fsS -o /dev/null -X PUT -H "Content-Type: application/octet-stream" --data-binary "@$1" "$loc"
  echo "$d"
}
push_manifest() { # REF MEDIATYPE FILE
  curl -fsS -o /dev/null -X PUT -H "Content-Type: $2" --data-binary "@$3" "http://$H/v2/app/manifests/$1"
}
OCI_M=application/vnd.oci.image.manifest.v1+json
OCI_I=application/vnd.oci.image.index.v1+json
make_index() { # NAME -> pushes a two-platform index under tag NAME
  local name=$1 entries="" arch
  for arch in amd64 arm64; do
    printf '{"architecture":"%s","os":"linux","config":{"Labels":{"n":"%s"}},"rootfs":{"type":"layers","diff_ids":[]}}' "$arch" "$name" >"$work/c"
    printf 'layer %s %s\n' "$name" "$arch" >"$work/l"
    local cd ld
    cd=$(push_blob "$work/c"); ld=$(push_blob "$work/l")
    # Deliberately odd whitespace: a re-serialised manifest would get another digest.
    printf '{\n   "schemaVersion" :  2,\n\t"mediaType": "%s",\n "config": {"mediaType":"application/vnd.oci.image.config.v1+json", "digest":"%s","size":%d},\n "layers":[ {"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%d} ] }\n' \
      "$OCI_M" "$cd" "$(stat -c %s "$work/c")" "$ld" "$(stat -c %s "$work/l")" >"$work/m-$arch"
    local md="sha256:$(sha "$work/m-$arch")"
    push_manifest "$md" "$OCI_M" "$work/m-$arch"
    entries="$entries${entries:+,
    }{ \"mediaType\": \"$OCI_M\", \"digest\": \"$md\", \"size\": $(stat -c %s "$work/m-$arch"), \"platform\": {\"architecture\": \"$arch\", \"os\": \"linux\"} }"
  done
  printf '{"schemaVersion":2,   "mediaType": "%s",\n  "manifests": [\n    %s\n  ]  }' "$OCI_I" "$entries" >"$work/index-$name"
  push_manifest "$name" "$OCI_I" "$work/index-$name"
  echo "sha256:$(sha "$work/index-$name")"
}
D1=$(make_index one)
D2=$(make_index two)

# ---- measuring -------------------------------------------------------------------------
lines() { wc -l <"$work/access.log"; }
now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
declare -A T R
measure() { # NAME then the command (a function)
  local name=$1; shift
  local i before start end
  : >"$work/t-$name"; : >"$work/r-$name"
  for i in $(seq 1 "$RUNS"); do
    if [ $((i % 2)) -eq 1 ]; then SRC=one; else SRC=two; fi
    sleep 0.2 # let the access log catch up
    before=$(lines)
    start=$(now_ns)
    "$@"
    end=$(now_ns)
    sleep 0.2
    echo $(((end - start) / 1000)) >>"$work/t-$name"
    echo $(($(lines) - before)) >>"$work/r-$name"
  done
  T[$name]=$(median <"$work/t-$name")
  R[$name]=$(median <"$work/r-$name")
}

ours_retag() { "$BIN" registry retag "$H/app" "$SRC" a b c --execute >/dev/null; }
ours_retag_nocheck() { "$BIN" registry retag "$H/app" "$SRC" a b c --execute --no-check >/dev/null; }
skopeo_retag() {
  local t
  for t in a b c; do
    skopeo copy -q --multi-arch index-only --preserve-digests --src-tls-verify=false --dest-tls-verify=false \
      "docker://$H/app:$SRC" "docker://$H/app:$t" >/dev/null
  done
}
ours_verify() { "$BIN" registry digest "$H/app:$SRC" "$H/app:a" "$H/app:b" "$H/app:c" >/dev/null; }
skopeo_verify() {
  local t
  for t in "$SRC" a b c; do skopeo inspect --raw --tls-verify=false "docker://$H/app:$t" | sha256sum >/dev/null; done
}

skopeo_digest() { echo "sha256:$(skopeo inspect --raw --tls-verify=false "docker://$H/app:$1" | sha256sum | cut -d' ' -f1)"; }
ours_digest() { "$BIN" registry digest "$H/app:$1"; }
peer_check() { # WHO SOURCE_DIGEST
  local t ok=1
  for t in a b c; do
    local s o
    s=$(skopeo_digest "$t"); o=$(ours_digest "$t")
    if [ "$s" != "$2" ] || [ "$o" != "$2" ]; then
      echo "PEER CHECK FAILED after $1: $t skopeo=$s release=$o source=$2" >&2; ok=0
    fi
  done
  [ $ok = 1 ] && echo "peer check after $1 retag: a, b, c = $2 for both tools (= source)"
}

measure retag_release ours_retag
peer_check release "$([ $((RUNS % 2)) -eq 1 ] && echo "$D1" || echo "$D2")"
measure retag_release_nocheck ours_retag_nocheck
measure retag_skopeo skopeo_retag
peer_check skopeo "$([ $((RUNS % 2)) -eq 1 ] && echo "$D1" || echo "$D2")"
measure verify_release ours_verify
measure verify_skopeo skopeo_verify

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
echo
echo "docker-registry $(/usr/bin/docker-registry --version | awk '{print $3}'), skopeo $(skopeo --version | awk '{print $3}'), $RUNS runs, medians"
printf '%-34s %10s %9s %8s\n' operation wall_ms requests ratio
row() { printf '%-34s %10.1f %9s %8s\n' "$1" "$(awk -v t="${T[$2]}" 'BEGIN{print t/1000}')" "${R[$2]}" "$3"; }
row "retag 3 aliases: release"            retag_release         "$(ratio "${T[retag_release]}" "${T[retag_skopeo]}")"
row "retag 3 aliases: release --no-check" retag_release_nocheck "$(ratio "${T[retag_release_nocheck]}" "${T[retag_skopeo]}")"
row "retag 3 aliases: skopeo (3 copies)"  retag_skopeo          "1.000"
row "verify 4 tags: release"              verify_release        "$(ratio "${T[verify_release]}" "${T[verify_skopeo]}")"
row "verify 4 tags: skopeo (4 inspects)"  verify_skopeo         "1.000"
echo "floor: retag = 1 GET + 3 PUT = 4 requests; verify = 4 requests (one per tag)"
