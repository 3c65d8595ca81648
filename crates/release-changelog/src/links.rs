//! Compare and tag URLs of the hosting services (C3): GitHub (and anything shaped like it),
//! GitLab, Bitbucket, Azure DevOps.

/// The hosting service's URL forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// `{repo}/compare/{from}...{to}`, `{repo}/releases/tag/{tag}`.
    GitHub,
    /// `{repo}/-/compare/{from}...{to}`, `{repo}/-/tags/{tag}`.
    GitLab,
    /// `{repo}/branches/compare/{to}..{from}`, `{repo}/src/{tag}`.
    Bitbucket,
    /// `{repo}/branchCompare?baseVersion=GT{from}&targetVersion=GT{to}`, `{repo}?version=GT{tag}`.
    Azure,
}

impl Host {
    /// Guesses the service from a repository URL.
    pub fn of(repo: &str) -> Host {
        if repo.contains("gitlab") || repo.contains("/-/") {
            Host::GitLab
        } else if repo.contains("bitbucket") {
            Host::Bitbucket
        } else if repo.contains("dev.azure.com") || repo.contains("visualstudio.com") {
            Host::Azure
        } else {
            Host::GitHub
        }
    }

    /// The compare URL from `from` to `to` (tags or `HEAD`).
    pub fn compare(self, repo: &str, from: &str, to: &str) -> String {
        match self {
            Host::GitHub => format!("{repo}/compare/{from}...{to}"),
            Host::GitLab => format!("{repo}/-/compare/{from}...{to}"),
            Host::Bitbucket => format!("{repo}/branches/compare/{to}..{from}"),
            Host::Azure => {
                let to = if to == "HEAD" {
                    "GBmain".to_string()
                } else {
                    format!("GT{to}")
                };
                format!("{repo}/branchCompare?baseVersion=GT{from}&targetVersion={to}")
            }
        }
    }

    /// The URL of one tag (a first release has nothing to compare with).
    pub fn tag(self, repo: &str, tag: &str) -> String {
        match self {
            Host::GitHub => format!("{repo}/releases/tag/{tag}"),
            Host::GitLab => format!("{repo}/-/tags/{tag}"),
            Host::Bitbucket => format!("{repo}/src/{tag}"),
            Host::Azure => format!("{repo}?version=GT{tag}"),
        }
    }
}

/// Normalises a repository URL: no trailing `/` or `.git`; `git@host:o/r` becomes https.
pub fn normalize_repo(url: &str) -> String {
    let mut u = url.trim().trim_end_matches('/').to_string();
    if let Some(rest) = u.strip_prefix("git@") {
        u = format!("https://{}", rest.replacen(':', "/", 1));
    }
    if let Some(s) = u.strip_suffix(".git") {
        u = s.to_string();
    }
    u
}

/// The repository URL in a compare or tag URL (`https://github.com/o/r/compare/...`).
pub fn repo_of(url: &str) -> Option<String> {
    for marker in [
        "/-/compare/",
        "/-/tags/",
        "/branches/compare/",
        "/branchCompare?",
        "/compare/",
        "/releases/tag/",
        "/tree/",
        "/src/",
        "?version=",
    ] {
        if let Some(p) = url.find(marker) {
            return Some(url[..p].to_string());
        }
    }
    None
}

/// The two ends of a compare URL, `(from, to)`, as written (tags with their prefixes).
pub fn compare_ends(url: &str) -> Option<(String, String)> {
    if let Some(p) = url.find("/branches/compare/") {
        let rest = &url[p + "/branches/compare/".len()..];
        let rest = rest.split(['#', '?']).next().unwrap_or(rest);
        let (to, from) = rest
            .split_once("..")
            .or_else(|| rest.split_once("%0D"))
            .or_else(|| rest.split_once("%0d"))?;
        return Some((from.to_string(), to.to_string()));
    }
    if let Some(p) = url.find("baseVersion=") {
        let rest = &url[p + "baseVersion=".len()..];
        let (from, tail) = rest.split_once('&')?;
        let to = tail.split("targetVersion=").nth(1)?;
        let to = to.split('&').next().unwrap_or(to);
        let strip = |s: &str| s.strip_prefix("GT").unwrap_or(s).to_string();
        return Some((strip(from), strip(to)));
    }
    let p = url.find("/compare/")?;
    let rest = &url[p + "/compare/".len()..];
    let (from, to) = rest.split_once("...").or_else(|| rest.split_once(".."))?;
    Some((from.to_string(), to.to_string()))
}

/// The tag prefix of `tag` for `version`: `v` in `v1.2.3`, `pkg-v` in `pkg-v1.2.3`.
pub fn tag_prefix<'a>(tag: &'a str, version: &str) -> Option<&'a str> {
    tag.strip_suffix(version)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let gh = "https://github.com/o/r";
        assert_eq!(
            Host::of(gh).compare(gh, "v1", "v2"),
            "https://github.com/o/r/compare/v1...v2"
        );
        let gl = "https://gitlab.com/o/r";
        assert_eq!(
            Host::of(gl).compare(gl, "v1", "HEAD"),
            "https://gitlab.com/o/r/-/compare/v1...HEAD"
        );
        let bb = "https://bitbucket.org/o/r";
        let url = Host::of(bb).compare(bb, "v1.0.0", "v1.1.0");
        assert_eq!(compare_ends(&url), Some(("v1.0.0".into(), "v1.1.0".into())));
        assert_eq!(repo_of(&url).as_deref(), Some(bb));
        assert_eq!(
            compare_ends("https://x/compare/v1.0.0...HEAD"),
            Some(("v1.0.0".into(), "HEAD".into()))
        );
        assert_eq!(
            normalize_repo("git@github.com:o/r.git"),
            "https://github.com/o/r"
        );
        let az = "https://dev.azure.com/o/p/_git/r";
        let url = Host::of(az).compare(az, "v1.0.0", "v1.1.0");
        assert_eq!(compare_ends(&url), Some(("v1.0.0".into(), "v1.1.0".into())));
    }
}
