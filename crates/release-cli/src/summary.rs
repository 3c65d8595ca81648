//! The job summary `release ci` writes to `$GITHUB_STEP_SUMMARY`: what a person reading the run
//! page needs to see without opening the log (the decision, the verification, the tags and
//! images, the aliases left out and why, the notes).

use release_git::verify::Verification;

use crate::commands::plan::PlanReport;

/// What the summary shows.
pub struct Summary<'a> {
    /// The tag plan, when one was computed (not for a refused tag).
    pub plan: Option<&'a PlanReport<'a>>,
    /// The tag gate's result, for a tag event.
    pub verification: Option<&'a Verification>,
    /// Why the tag was refused.
    pub refused: Option<&'a str>,
    /// The candidate whose image a stable tag ships.
    pub promote_from: Option<&'a str>,
    /// Why no candidate is promoted, for a stable tag.
    pub promote_note: Option<&'a str>,
    /// `exists`, `absent` or `not checked` (V5).
    pub github_release: &'a str,
    /// The smoke command when the workflow runs it for this event.
    pub smoke: Option<&'a str>,
    /// The release notes written for the version.
    pub notes: Option<&'a str>,
}

/// A value for a table cell: one line, escaped as untrusted text, with the pipe that would end
/// the cell escaped (GitHub splits cells on `|` even inside code spans).
fn cell(text: &str) -> String {
    release_core::untrusted::escape_multiline(text)
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

/// Renders the summary as GitHub-flavoured Markdown.
pub fn render(s: &Summary<'_>) -> String {
    let mut out = String::new();
    let title = match s.plan.and_then(|p| p.git_tag) {
        Some(tag) => format!("release ci: {}", cell(tag)),
        None => match s.verification {
            Some(v) => format!("release ci: {}", cell(&v.tag)),
            None => "release ci".to_string(),
        },
    };
    out.push_str(&format!("## {title}\n\n| | |\n|---|---|\n"));
    let decision = match (s.refused, s.plan) {
        (Some(_), _) => "refused: nothing is published".to_string(),
        (None, Some(p)) if p.publish => "publish".to_string(),
        (None, Some(p)) => format!(
            "nothing to publish{}",
            p.reason
                .map(|r| format!(": {}", cell(r)))
                .unwrap_or_default()
        ),
        (None, None) => "nothing to publish".to_string(),
    };
    out.push_str(&format!("| decision | {decision} |\n"));
    if let Some(why) = s.refused {
        out.push_str(&format!("| reason | {} |\n", cell(why)));
    }
    if let Some(p) = s.plan {
        let kind = serde_json::to_value(p.kind)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        out.push_str(&format!("| kind | {kind} |\n"));
        if let Some(v) = &p.version {
            out.push_str(&format!("| version | {} |\n", cell(v)));
        }
        out.push_str(&format!(
            "| event | {} {} at {} |\n",
            cell(p.event.name),
            cell(p.event.git_ref),
            cell(p.event.sha)
        ));
    }
    if let Some(v) = s.verification {
        let verdict = match v.failure() {
            Some(failed) => format!(
                "refused: {} check failed: {}",
                failed.id.as_str(),
                cell(&failed.detail)
            ),
            None => match (&v.format, &v.signer) {
                (Some(f), Some(signer)) => {
                    format!("verified: good {f} signature by {}", cell(signer))
                }
                _ => "verified: annotated, unsigned".to_string(),
            },
        };
        out.push_str(&format!("| verification | {verdict} |\n"));
        for w in v.warnings() {
            out.push_str(&format!(
                "| warning | {}: {} |\n",
                w.id.as_str(),
                cell(&w.detail)
            ));
        }
        if let Some(root) = &v.trust_root {
            out.push_str(&format!("| trust root | {} |\n", cell(&root.to_string())));
        }
        out.push_str(&format!("| GitHub Release | {} |\n", s.github_release));
    }
    match (s.promote_from, s.promote_note) {
        (Some(from), _) => out.push_str(&format!(
            "| image | promoted from {} (the tested candidate; no rebuild) |\n",
            cell(from)
        )),
        (None, Some(note)) => out.push_str(&format!("| image | built: {} |\n", cell(note))),
        _ => {}
    }
    if let Some(cmd) = s.smoke {
        out.push_str(&format!("| smoke test | {} |\n", cell(cmd)));
    }
    if let Some(p) = s.plan {
        if !p.tags.is_empty() {
            out.push_str("\n### Tags\n\n| tag | images |\n|---|---|\n");
            for tag in p.tags {
                let suffix = format!(":{tag}");
                let images: Vec<String> = p
                    .images
                    .iter()
                    .filter(|i| i.ends_with(&suffix))
                    .map(|i| cell(i))
                    .collect();
                let images = if images.is_empty() {
                    "(no image configured)".to_string()
                } else {
                    images.join("<br>")
                };
                out.push_str(&format!("| {} | {images} |\n", cell(tag)));
            }
        }
        if !p.skipped.is_empty() {
            out.push_str("\n### Skipped aliases\n\n| alias | reason |\n|---|---|\n");
            for skipped in p.skipped {
                out.push_str(&format!(
                    "| {} | {} |\n",
                    cell(&skipped.tag),
                    cell(&skipped.reason)
                ));
            }
        }
    }
    if let Some(notes) = s.notes.filter(|n| !n.trim().is_empty()) {
        // The notes are the changelog's Markdown, shown as the GitHub Release will show them
        // (control characters escaped).
        out.push_str("\n### Notes\n\n");
        out.push_str(release_core::untrusted::escape_multiline(notes).trim_end());
        out.push('\n');
    }
    out.push('\n');
    out
}
