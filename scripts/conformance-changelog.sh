#!/usr/bin/env bash
# Conformance of `release changelog` on real changelogs (not part of `cargo test`).
#
#   scripts/conformance-changelog.sh DIR [DIR...]
#
# For every Markdown file in each DIR (files named *upgrading* are upgrading guides):
#   - `lint` runs and exits 0 or 1 (never 2/3, never a crash); every error it reports must be
#     listed in JUSTIFIED below with the reason it is a real defect of that file (zero false
#     errors);
#   - `notes` runs for every version, and its output is compared with parse-changelog's
#     (trimmed of surrounding blank lines); differences are listed, not failures;
#   - acceptance: on a copy, `release changelog add` (which creates `[Unreleased]` when the
#     file has none) then `release changelog prepare` must both succeed, and every line of the
#     original must still be in the result (the `[Unreleased]` link, which prepare re-points,
#     excepted); the new section's notes equal the Unreleased notes before, every line the
#     prepare changed is the new heading, a blank line, a link definition or the Unreleased
#     heading's inline link, and every section is still there.
# A directory holding both CHANGELOG.md and upgrading.md (the RustShare fixture) also gets the
# acceptance checks: lint has no errors, `prepare 0.7.0 --date 2026-07-20` is exactly the hand
# edit, and the upgrading guide takes a new version's rows in both tables.
#
# BASELINE=/path/to/an/older/release-binary adds its lint counts to the closing table (the
# "before" column). The closing table has one row per file: versions, lint errors/warnings
# (before and after), notes agreement with parse-changelog.
#
# parse-changelog is installed with `cargo install parse-changelog --locked` when missing, so
# the comparison always runs.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -eq 0 ]; then
  echo "usage: $0 DIR [DIR...]" >&2
  exit 2
fi

# CONFORMANCE_PROFILE=dev reuses the debug binary the test suite built (CI); the default is
# a release build.
if [ "${CONFORMANCE_PROFILE:-release}" = dev ]; then
  cargo build --quiet --locked -p release-cli
  REL="$PWD/target/debug/release"
else
  cargo build --quiet --release --locked -p release-cli
  REL="$PWD/target/release/release"
fi
if ! command -v parse-changelog >/dev/null 2>&1; then
  echo "installing parse-changelog (cargo install parse-changelog --locked)"
  cargo install --quiet parse-changelog --locked
fi
PC="$(command -v parse-changelog)"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# Lint errors that are real defects of the file, as `FILE-NAME:RULE:LINE  reason`.
JUSTIFIED='
Textualize__textual__CHANGELOG.md:version-duplicate:2898  0.15.0 has two headings (2891, 2898): its notes are ambiguous, parse-changelog refuses the file
clap-rs__clap__CHANGELOG.md:version-duplicate:2687  2.24.0 has two headings (2676, 2687) with different dates
clap-rs__clap__CHANGELOG.md:version-duplicate:3550  2.4.3 has three headings ("Ghost Release")
clap-rs__clap__CHANGELOG.md:version-duplicate:3554  2.4.3 has three headings ("Ghost Release")
'
BASELINE="${BASELINE:-}"
ROWS=()

failures=0
files=0
versions=0
same=0
differ=0
footer=0
pc_refused=0
pc_missing=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# Prints the text trimmed of leading and trailing blank lines (and trailing spaces of the
# last line), so the two tools' documented trimming rules compare.
trim() {
  sed -e :a -e '/^[[:space:]]*$/{$d;N;ba' -e '}' | sed -e '/./,$!d' | sed -e :b -e '/^\n*$/{$d;N;bb' -e '}'
}

# Drops trailing link definitions, HTML comments and blank lines.
strip_defs() {
  tac | awk 'body { print; next } /^[[:space:]]*$/ || /^\[[^]]+\]:/ || /^<!--.*-->[[:space:]]*$/ { next } { body = 1; print }' | tac
}

check_changelog() {
  local f="$1" name
  name="$(basename "$(dirname "$f")")/$(basename "$f")"
  files=$((files + 1))
  "$REL" changelog lint --file "$f" >"$TMP/lint.txt" 2>"$TMP/lint.err"
  local rc=$?
  if [ "$rc" -gt 1 ]; then
    fail "$name: lint exited $rc: $(head -c 300 "$TMP/lint.err")"
  fi
  local summary
  summary="$(tail -n 1 "$TMP/lint.txt")"
  local fname
  fname="$(basename "$f")"
  # Every error must be a justified one.
  local e rule line
  while IFS= read -r e; do
    rule="$(echo "$e" | sed -E 's/.*error\[([a-z-]+)\].*/\1/')"
    line="$(echo "$e" | sed -E 's/^.*\.md:([0-9]+):[0-9]+: error.*/\1/')"
    if ! grep -qF "$fname:$rule:$line " <<<"$JUSTIFIED"; then
      fail "$name: unjustified lint error: $(echo "$e" | sed 's/^.*\.md://' | cut -c1-200)"
    fi
  done < <(grep -E '^.*:[0-9]+:[0-9]+: error\[' "$TMP/lint.txt")
  local before="-"
  if [ -n "$BASELINE" ]; then
    before="$("$BASELINE" changelog lint --file "$f" 2>/dev/null | tail -n 1 | sed -E 's/([0-9]+) error\(s\), ([0-9]+) warning\(s\)/\1 \/ \2/')"
  fi
  local after
  after="$(echo "$summary" | sed -E 's/([0-9]+) error\(s\), ([0-9]+) warning\(s\)/\1 \/ \2/')"
  local s0=$same f0=$footer d0=$differ r0=$pc_refused m0=$pc_missing

  # Notes of every version, against parse-changelog.
  "$REL" changelog list --file "$f" >"$TMP/versions.txt" 2>"$TMP/list.err" || fail "$name: list failed"
  local nd=0 nv=0 dup=0 pc_ok=yes
  if ! "$PC" "$f" >/dev/null 2>"$TMP/pc.err"; then
    pc_ok=no # parse-changelog refuses the whole file (duplicate versions): nothing to compare
    echo "  $name: parse-changelog refuses the file: $(head -c 120 "$TMP/pc.err")"
  fi
  while IFS= read -r v; do
    [ "$v" = "Unreleased" ] && continue
    nv=$((nv + 1))
    versions=$((versions + 1))
    if ! "$REL" changelog notes "$v" --file "$f" >"$TMP/ours.txt" 2>"$TMP/ours.err"; then
      if grep -q "has two headings" "$TMP/ours.err"; then
        dup=$((dup + 1)) # a duplicate version heading is an error that names both lines
        continue
      fi
      fail "$name: notes $v: $(cat "$TMP/ours.err")"
      continue
    fi
    if [ "$pc_ok" = no ]; then
      pc_refused=$((pc_refused + 1))
      continue
    fi
    if ! "$PC" "$f" "$v" >"$TMP/theirs.txt" 2>/dev/null; then
      # parse-changelog does not see this heading as a release (`## <small>[8.2.2](…)`).
      pc_missing=$((pc_missing + 1))
      continue
    fi
    if cmp -s <(trim <"$TMP/ours.txt") <(trim <"$TMP/theirs.txt"); then
      same=$((same + 1))
    elif cmp -s <(trim <"$TMP/ours.txt") <(strip_defs <"$TMP/theirs.txt" | trim); then
      # parse-changelog keeps the link definitions and markers at the end of a section (the
      # footer, for the oldest version); these notes stop before them (documented).
      footer=$((footer + 1))
    else
      differ=$((differ + 1))
      nd=$((nd + 1))
      if [ "$nd" -le 3 ]; then
        echo "  notes differ: $name $v ($(wc -l <"$TMP/ours.txt") vs $(wc -l <"$TMP/theirs.txt") lines); first difference:"
        diff <(trim <"$TMP/ours.txt") <(trim <"$TMP/theirs.txt") | head -n 4 | sed 's/^/      /' | cut -c1-160
      fi
    fi
  done <"$TMP/versions.txt"

  # Acceptance: add (creating Unreleased when missing), then prepare, on a copy; no line lost.
  cp "$f" "$TMP/copy.md"
  local created=""
  grep -qx "Unreleased" "$TMP/versions.txt" || created=" (Unreleased created by add)"
  if ! "$REL" changelog add --category Fixed "Conformance entry." --file "$TMP/copy.md" >"$TMP/add.out" 2>"$TMP/add.err"; then
    if grep -q "two \`\[Unreleased\]\` sections" "$TMP/add.err"; then
      echo "  $name: two Unreleased sections: add and prepare refuse (documented)"
      cmp -s "$f" "$TMP/copy.md" || fail "$name: a refused add changed the file"
    else
      fail "$name: add: $(cat "$TMP/add.err")"
    fi
    row "$name" "$nv" "$before" "$after" "$s0" "$f0" "$d0" "$r0" "$m0" "add refused"
    return
  fi
  if [ -n "$created" ]; then
    grep -q "created" "$TMP/add.out" || fail "$name: add created Unreleased without saying so"
  fi
  cp "$TMP/copy.md" "$TMP/before.md"
  "$REL" changelog list --file "$TMP/before.md" >"$TMP/versions-before.txt"
  "$REL" changelog notes --unreleased --file "$TMP/before.md" >"$TMP/unreleased.txt" || fail "$name: notes --unreleased"
  local next="99.0.0"
  if ! "$REL" changelog prepare "$next" --date 2026-01-01 --repo-url https://example.org/o/r --file "$TMP/copy.md" >/dev/null 2>"$TMP/prep.err"; then
    fail "$name: prepare: $(cat "$TMP/prep.err")"
    row "$name" "$nv" "$before" "$after" "$s0" "$f0" "$d0" "$r0" "$m0" "PREPARE FAILED"
    return
  fi
  "$REL" changelog notes "$next" --file "$TMP/copy.md" >"$TMP/after.txt" || fail "$name: notes of the new section"
  cmp -s "$TMP/unreleased.txt" "$TMP/after.txt" || fail "$name: notes(prepare(d), V) != old Unreleased notes"
  # Every changed line is the new heading (and its setext underline), blank, a link
  # definition or an Unreleased heading.
  local bad
  bad="$(diff "$TMP/before.md" "$TMP/copy.md" | grep -E '^[<>]' | cut -c3- |
    grep -vE '^\s*$|^\[[^]]+\]: |99\.0\.0|^#+ \[?[Uu]nreleased|^(=+|-+)$' || true)"
  [ -z "$bad" ] || fail "$name: prepare changed other lines: $(echo "$bad" | head -n 3)"
  # No line of the original is lost (counted with repeats); the `[Unreleased]` link and an
  # inline-linked Unreleased heading are re-pointed by design.
  local lost
  lost="$(awk 'NR == FNR { n[$0]++; next } { o[$0]++ } END { for (l in o) if (o[l] > n[l]) print l }' "$TMP/copy.md" "$f" |
    grep -viE '^\[unreleased\]: |^#+ \[unreleased\]\(' || true)"
  [ -z "$lost" ] || fail "$name: add + prepare lost lines: $(echo "$lost" | head -n 3 | cut -c1-120)"
  local before_n after_n
  before_n="$(wc -l <"$TMP/versions-before.txt")"
  after_n="$("$REL" changelog list --file "$TMP/copy.md" | wc -l)"
  [ "$after_n" -eq $((before_n + 1)) ] || fail "$name: sections $before_n -> $after_n after prepare"
  "$REL" changelog lint --file "$TMP/copy.md" >/dev/null 2>&1
  [ $? -le 1 ] || fail "$name: lint after prepare crashed"
  echo "$name: $nv versions, $nd notes differ from parse-changelog, $dup duplicate version headings; lint: $summary; add + prepare ok$created"
  row "$name" "$nv" "$before" "$after" "$s0" "$f0" "$d0" "$r0" "$m0" "ok$created"
}

# One row of the closing table; the notes columns are the counts this file added.
row() {
  local name="$1" nv="$2" before="$3" after="$4" s0="$5" f0="$6" d0="$7" r0="$8" m0="$9" accept="${10}"
  local notes
  if [ $((pc_refused - r0)) -gt 0 ]; then
    notes="not compared (parse-changelog refuses the file)"
  else
    notes="$((same - s0)) same, $((footer - f0)) same but parse-changelog's trailing definitions, $((differ - d0)) differ"
    [ $((pc_missing - m0)) -eq 0 ] || notes="$notes, $((pc_missing - m0)) versions parse-changelog does not see"
  fi
  ROWS+=("| ${name#*/} | $nv | $before | $after | $notes | $accept |")
}

check_rustshare() {
  local dir="$1"
  echo "== RustShare acceptance ($dir)"
  "$REL" changelog lint --file "$dir/CHANGELOG.md" >"$TMP/rs-lint.txt"
  local rc=$?
  [ "$rc" -eq 0 ] || fail "RustShare CHANGELOG.md lint exited $rc (want 0: warnings only)"
  grep -q "warning\[" "$TMP/rs-lint.txt" || fail "RustShare lint: expected warnings"
  echo "  lint: $(tail -n 1 "$TMP/rs-lint.txt")"
  # The hand edit: a new heading under Unreleased, the Unreleased link moved, a new link.
  cp "$dir/CHANGELOG.md" "$TMP/rs.md"
  awk '
    { print }
    $0 == "## [Unreleased]" && !done { print ""; print "## [0.7.0] - 2026-07-20"; done = 1 }
  ' "$dir/CHANGELOG.md" |
    awk '
      /^\[Unreleased\]: / {
        url = $2; sub(/compare\/v0\.6\.0\.\.\.HEAD$/, "compare/v0.7.0...HEAD", url)
        print "[Unreleased]: " url
        base = url; sub(/\/compare\/.*/, "", base)
        print "[0.7.0]: " base "/compare/v0.6.0...v0.7.0"
        next
      }
      { print }
    ' >"$TMP/rs-expected.md"
  "$REL" changelog prepare 0.7.0 --date 2026-07-20 --file "$TMP/rs.md" >/dev/null || fail "RustShare prepare 0.7.0 failed"
  if cmp -s "$TMP/rs.md" "$TMP/rs-expected.md"; then
    echo "  prepare 0.7.0 --date 2026-07-20: exactly the hand edit ($(diff "$dir/CHANGELOG.md" "$TMP/rs.md" | grep -c '^[<>]') changed lines)"
  else
    fail "RustShare prepare differs from the hand edit:"
    diff "$TMP/rs-expected.md" "$TMP/rs.md" | head -n 20
  fi
  # The upgrading guide: 0.7.0 is there; a new version gets rows in both tables.
  "$REL" upgrading check 0.7.0 --file "$dir/upgrading.md" >/dev/null || fail "RustShare upgrading check 0.7.0"
  cp "$dir/upgrading.md" "$TMP/up.md"
  "$REL" upgrading add 0.7.1 --none --file "$TMP/up.md" >/dev/null || fail "RustShare upgrading add 0.7.1 --none"
  "$REL" upgrading add 0.8.0 --breaking "The mail API moved to /api/v2" --migration "Update clients" \
    --env-added "RUSTSHARE_EXAMPLE=an example" --env-renamed "RUSTSHARE_OLD=RUSTSHARE_NEW" --file "$TMP/up.md" >/dev/null ||
    fail "RustShare upgrading add 0.8.0"
  "$REL" upgrading check 0.8.0 --file "$TMP/up.md" >/dev/null || fail "RustShare upgrading check 0.8.0 after add"
  local added removed
  added="$(diff "$dir/upgrading.md" "$TMP/up.md" | grep -c '^>')"
  removed="$(diff "$dir/upgrading.md" "$TMP/up.md" | grep -c '^<')"
  [ "$added" -eq 4 ] && [ "$removed" -eq 0 ] || fail "RustShare upgrading: $added lines added, $removed removed (want 4, 0)"
  # Newest row on top, placeholder row last, in both tables.
  for table in "Breaking Changes" "Environment Variable Changes"; do
    local rows
    rows="$(awk -v t="## $table" '$0 == t { on = 1; next } /^## / { on = 0 } on && /^\| / { print $2 }' "$TMP/up.md" | tr '\n' ' ')"
    case "$rows" in
      "Version 0.8.0 0.7.1 0.7.0 "*"— ") echo "  $table rows: $rows" ;;
      *) fail "RustShare $table rows in the wrong order: $rows" ;;
    esac
  done
}

for dir in "$@"; do
  echo "== $dir"
  for f in "$dir"/*.md; do
    case "$(basename "$f")" in
      *upgrading*) ;;
      *) check_changelog "$f" ;;
    esac
  done
  if [ -f "$dir/CHANGELOG.md" ] && [ -f "$dir/upgrading.md" ]; then
    check_rustshare "$dir"
  fi
done

echo
echo "| file | versions | lint errors / warnings before | after | notes vs parse-changelog | add + prepare |"
echo "|---|---|---|---|---|---|"
for r in "${ROWS[@]}"; do echo "$r"; done
echo
echo "== $files files, $versions versions: notes identical to parse-changelog for $same, identical but for the trailing link definitions for $footer, different for $differ; not compared: parse-changelog refused the file $pc_refused, did not see the version $pc_missing"
if [ "$failures" -gt 0 ]; then
  echo "conformance: $failures failure(s)"
  exit 1
fi
echo "conformance: ok"
