#!/usr/bin/env bash
# The README's five-minute walkthrough, runnable: a whole release cycle against a registry on
# 127.0.0.1 (Debian's docker-registry), with a throwaway signing key, in a temporary folder.
# Nothing outside that folder is touched. Needs: cargo, git, gpg, docker-registry, python3.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cargo build -q --manifest-path "$top/Cargo.toml" -p release-cli
release() { "$top/target/debug/release" "$@"; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

demo=$(mktemp -d /tmp/release-demo.XXXXXX)
export GNUPGHOME="$demo/gpg" GIT_CONFIG_GLOBAL="$demo/gitconfig" GIT_CONFIG_NOSYSTEM=1
unset GITHUB_ACTIONS GITHUB_OUTPUT CI || true
mkdir -m 700 "$GNUPGHOME"
cleanup() { kill "${registry_pid:-0}" 2>/dev/null || true; gpgconf --kill all 2>/dev/null || true; rm -rf "$demo"; }
trap cleanup EXIT

say "1. A registry on loopback"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$demo/registry.yml" <<YML
version: 0.1
storage: { filesystem: { rootdirectory: $demo/registry } }
http: { addr: 127.0.0.1:$port }
YML
docker-registry serve "$demo/registry.yml" >"$demo/registry.log" 2>&1 &
registry_pid=$!
image="127.0.0.1:$port/acme/app"
python3 - "$port" <<'PY'
import sys, time, urllib.request
for _ in range(100):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/v2/", timeout=1); break
    except Exception:
        time.sleep(0.1)
PY

say "2. A project, set up for the policy"
mkdir "$demo/app" && cd "$demo/app"
git init -q -b main
git config user.name "Demo Maintainer" && git config user.email demo@example.org
git commit -q --allow-empty -m "initial commit"
release init --repository acme/app --image "$image"

say "3. A signing key, trusted by the policy"
gpg --batch --quiet --passphrase '' --quick-gen-key "Demo Maintainer <demo@example.org>" ed25519 sign never
mkdir -p keys && gpg --armor --export demo@example.org >keys/release-signers.asc
git config user.signingkey demo@example.org
git add -A && git commit -q -m "chore: release setup"

say "4. Changes land; where do we stand?"
release changelog add --category Added "Mail import."
release changelog add --category Fixed "A crash on start."
git commit -q -am "feat: mail import"
release status

say "5. Prepare 0.1.0 and cut the first candidate"
release prepare 0.1.0 --none --commit
release rc tag 0.1.0 --execute

say "6. CI for the candidate: the gate, then the image build"
sha=$(git rev-parse HEAD)
GITHUB_REF=refs/tags/v0.1.0-rc.1 GITHUB_SHA=$sha GITHUB_EVENT_NAME=push \
  release ci --no-github --notes-file "$demo/notes.md"
python3 "$top/scripts/demo-image.py" "$image:0.1.0-rc.1" rc1

say "7. The candidate passed staging: tag 0.1.0 and promote the tested image"
release tag 0.1.0 --execute
release promote v0.1.0-rc.1 --image "$image" --execute
release verify 0.1.0 --image "$image" --no-github

say "8. A second release, found defective: roll it back"
release changelog add --category Changed "New storage layout."
git commit -q -am "feat: storage"
release prepare 0.2.0 --breaking "Storage layout changed." --migration "Run the migration." --commit
release tag 0.2.0 --execute
for t in $(GITHUB_REF=refs/tags/v0.2.0 GITHUB_SHA=$(git rev-parse HEAD) release ci --no-github --json \
             --notes-file "$demo/notes.md" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["plan"]["tags"]))'); do
  python3 "$top/scripts/demo-image.py" "$image:$t" v020 >/dev/null
done
release rollback 0.2.0 --reason "corrupts uploads" --image "$image" --no-github --execute
release verify 0.1.0 --image "$image" --no-github --yanked 0.2.0
grep -n "YANKED" CHANGELOG.md

say "done: a whole cycle, every step by release"
