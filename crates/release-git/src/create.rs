//! Creating a release tag: validate the name, build the annotated tag object, sign it with the
//! program git would use, write it with `Odb::write`, run the gate on the new object, and only
//! then create `refs/tags/NAME`, without force.

use git2::{ObjectType, Oid};
use release_core::policy::Policy;
use release_core::version::ReleaseVersion;
use serde::Serialize;

use crate::repo::Repo;
use crate::sign::SigningConfig;
use crate::tagobj::{self, Tagger};
use crate::verify::{self, Trust, Verification};
use crate::GitError;
use release_core::rule::Rule;

/// What `release tag` would write, computed before anything is written.
#[derive(Debug, Clone, Serialize)]
pub struct NewTag {
    /// The tag name.
    pub tag: String,
    /// The release version.
    pub version: String,
    /// `stable` or `candidate`.
    pub stage: &'static str,
    /// The commit the tag points at (HEAD).
    pub commit: String,
    /// The unsigned tag object (the signed payload).
    pub payload: String,
    /// How it will be signed; `None` with `--no-sign`.
    pub signing: Option<SigningConfig>,
}

/// Options of a new tag.
#[derive(Debug, Clone, Default)]
pub struct TagOptions {
    /// The message; default [`default_message`].
    pub message: Option<String>,
    /// Create an unsigned tag (refused for stable tags, G2).
    pub no_sign: bool,
    /// The tagger time (seconds, offset minutes); default: now, UTC.
    pub time: Option<(i64, i32)>,
}

/// The tag message the policy's procedures write: `Release candidate X.Y.Z-rc.N` (P1),
/// `Hotfix vX.Y.Z` for a stable tag cut on its hotfix branch (P3), `Release vX.Y.Z` (P2).
pub fn default_message(version: &ReleaseVersion, name: &str, hotfix: bool) -> String {
    if !version.is_stable() {
        format!("Release candidate {version}")
    } else if hotfix {
        format!("Hotfix {name}")
    } else {
        format!("Release {name}")
    }
}

/// Validates and prepares a tag on HEAD: the name (grammar, refname), a clean working tree,
/// the history (V5-V7: `history` from the repository or the command line), signing (G2).
pub fn plan_tag(
    repo: &Repo,
    name: &str,
    policy: &Policy,
    history: &release_core::history::History,
    options: &TagOptions,
) -> Result<(NewTag, ReleaseVersion), GitError> {
    let version = tagobj::validate_tag_name(name, policy)?;
    if options.no_sign && version.is_stable() {
        return Err(GitError::refused_by(
            Rule::G2,
            format!("{name} is a stable tag: it must be signed (G2); drop --no-sign"),
        ));
    }
    let dirty = repo.dirty_paths()?;
    if !dirty.is_empty() {
        let shown: Vec<&str> = dirty.iter().take(5).map(String::as_str).collect();
        return Err(GitError::refused(format!(
            "the working tree is dirty ({}{}): commit or stash first, a release tag names a commit",
            shown.join(", "),
            if dirty.len() > 5 { ", ..." } else { "" }
        )));
    }
    if let Err(refusal) = history.check_new(&version) {
        return Err(GitError::refused_by(
            refusal.rule,
            format!("{name}: {refusal}"),
        ));
    }
    if repo
        .git2()
        .find_reference(&format!("refs/tags/{name}"))
        .is_ok()
    {
        return Err(GitError::refused_by(
            Rule::V5,
            format!("refs/tags/{name} already exists (V5: a version is never released twice)"),
        ));
    }
    let commit = repo.head_commit()?;
    let signature = repo.signature()?;
    let (time, offset) = options.time.unwrap_or_else(|| {
        (
            signature.when().seconds(),
            signature.when().offset_minutes(),
        )
    });
    let tagger = Tagger {
        name: signature.name().unwrap_or_default().to_string(),
        email: signature.email().unwrap_or_default().to_string(),
        time,
        offset_minutes: offset,
    };
    let hotfix = version.is_stable()
        && repo.current_branch()?.as_deref()
            == Some(policy.hotfix_branch_for(version.semver()).as_str());
    let message = options
        .message
        .clone()
        .unwrap_or_else(|| default_message(&version, name, hotfix));
    let payload = tagobj::build_payload(commit, name, &tagger, &message)?;
    let signing = if options.no_sign {
        None
    } else {
        let config = repo.config()?;
        Some(SigningConfig::from_config(&config, &tagger)?)
    };
    let plan = NewTag {
        tag: name.into(),
        version: version.to_string(),
        stage: if version.is_stable() {
            "stable"
        } else {
            "candidate"
        },
        commit: commit.to_string(),
        payload: String::from_utf8_lossy(&payload).into_owned(),
        signing,
    };
    Ok((plan, version))
}

/// The result of creating a tag.
#[derive(Debug, Clone, Serialize)]
pub struct Created {
    /// The tag object id.
    pub object: String,
    /// The gate's answer on the new object.
    pub verification: Verification,
}

/// Signs, writes, verifies and creates the tag of a plan. When the gate refuses the new object
/// (an untrusted signing key, ...), no ref is created and the refusal is returned.
pub fn create_tag(
    repo: &Repo,
    plan: &NewTag,
    policy: &Policy,
    trust: &Trust,
) -> Result<Created, GitError> {
    let mut object = plan.payload.clone().into_bytes();
    if let Some(signing) = &plan.signing {
        let signature = signing.sign(&object)?;
        object.extend_from_slice(signature.as_bytes());
    }
    let odb = repo
        .git2()
        .odb()
        .map_err(|e| GitError::git("cannot open the object database", e))?;
    let oid: Oid = odb
        .write(ObjectType::Tag, &object)
        .map_err(|e| GitError::git("cannot write the tag object", e))?;
    let verification =
        verify::verify_object(repo, &plan.tag, oid, policy, trust, Some(&plan.commit))?;
    if let Some(failure) = verification.failure() {
        return Err(GitError::refused_by(failure.id.rule(), format!(
            "the new tag object {oid} does not pass the gate, so refs/tags/{} was not created: {} check: {}",
            plan.tag,
            failure.id.as_str(),
            failure.detail
        )));
    }
    repo.git2()
        .reference(
            &format!("refs/tags/{}", plan.tag),
            oid,
            false,
            &format!("release tag {}", plan.tag),
        )
        .map_err(|e| GitError::git(&format!("cannot create refs/tags/{}", plan.tag), e))?;
    Ok(Created {
        object: oid.to_string(),
        verification,
    })
}
