//! Reading a version heading's title: `[1.2.3] - 2024-01-02`, `1.2.3 (2024-01-02)`,
//! `[1.2.3](https://…) - 2024-01-02 [YANKED]`, `Version 1.80.0 (2024-07-25)`, `[Unreleased]`,
//! `[Unreleased] - ReleaseDate`, `v1.2.3`.

use std::ops::Range;

/// What a heading title says. Ranges are relative to the title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitleParts {
    /// `Unreleased` rather than a version.
    pub unreleased: bool,
    /// The version as written (without a leading `v`); empty for Unreleased.
    pub version: Range<usize>,
    /// The date-like text after the version (`2024-01-02`, `03 Jul 2023`, `TBD`).
    pub date: Option<Range<usize>>,
    /// The yanked marker (`[YANKED]`, `(yanked)`, ...), with the space before it.
    pub yanked: Option<Range<usize>>,
    /// The inline link destination of `[1.2.3](url)`.
    pub link: Option<Range<usize>>,
    /// True when the version (or Unreleased) is in `[brackets]`.
    pub bracketed: bool,
}

fn skip_ws(t: &[u8], mut i: usize) -> usize {
    while i < t.len() && matches!(t[i], b' ' | b'\t') {
        i += 1;
    }
    i
}

/// Parses a heading title; `None` when it names neither a version nor Unreleased.
pub fn parse(title: &str) -> Option<TitleParts> {
    let t = title.as_bytes();
    let mut i = skip_ws(t, 0);
    // Inline HTML before the title (`<small>[8.2.2](…) (date)</small>`, vite's patch
    // releases; `<a name="1.2.3"></a>1.2.3 (date)`, older conventional-changelog): the tags
    // are skipped here, a closing tag after the title ends the date below.
    while t.get(i) == Some(&b'<')
        && t.get(i + 1)
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'/')
    {
        let Some(close) = t[i..].iter().position(|&b| b == b'>') else {
            break;
        };
        i = skip_ws(t, i + close + 1);
    }
    let bracketed = t.get(i) == Some(&b'[');
    if bracketed {
        i += 1;
    }
    let (unreleased, version) = if t.len() >= i + 10
        && t[i..i + 10].eq_ignore_ascii_case(b"unreleased")
    {
        let end = i + 10;
        if t.get(end).is_some_and(|b| b.is_ascii_alphanumeric()) {
            return None;
        }
        (true, end..end)
    } else {
        // Optional "Version " / "Release " word, then an optional `v`.
        for word in [&b"version "[..], b"release "] {
            if t.len() >= i + word.len() && t[i..i + word.len()].eq_ignore_ascii_case(word) {
                i = skip_ws(t, i + word.len());
                break;
            }
        }
        if matches!(t.get(i), Some(b'v' | b'V')) && t.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let start = i;
        let mut j = i;
        let mut dotted = false;
        let digits = |j: usize| t[j..].iter().take_while(|b| b.is_ascii_digit()).count();
        let d = digits(j);
        if d == 0 {
            return None;
        }
        j += d;
        while t.get(j) == Some(&b'.') && t.get(j + 1).is_some_and(u8::is_ascii_digit) {
            j += 1;
            j += digits(j);
            dotted = true;
        }
        if !dotted {
            return None;
        }
        // PEP 440 (Python) pre-, post- and development releases written without a dash:
        // `1.2.0rc2`, `1.2.0b3`, `1.2.0a1`, `1.2.0.dev1`, `1.2.0.post1`. Each is a version of
        // its own, never part of the stable version's heading.
        loop {
            let mut k = j;
            if t.get(k) == Some(&b'.') {
                k += 1;
            }
            let n = t[k..]
                .iter()
                .take_while(|b| b.is_ascii_alphabetic())
                .count();
            let word = title.get(k..k + n).unwrap_or("").to_ascii_lowercase();
            let known = matches!(
                word.as_str(),
                "a" | "b" | "c" | "rc" | "alpha" | "beta" | "pre" | "preview" | "post" | "dev"
            );
            // `.dev`/`.post` take a dot; the pre-release letters follow the digits directly.
            let dotted = k > j;
            if !known || n == 0 || (dotted && !matches!(word.as_str(), "dev" | "post" | "rc")) {
                break;
            }
            k += n;
            k += digits(k);
            j = k;
        }
        for sep in [b'-', b'+'] {
            // `1.2.3-rc.1`, `1.2.3+build.5`; not `1.2.3 - date` (a space follows the dash).
            if t.get(j) == Some(&sep) && t.get(j + 1).is_some_and(|b| b.is_ascii_alphanumeric()) {
                j += 1;
                while t
                    .get(j)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'.' || *b == b'-')
                {
                    j += 1;
                }
                // A trailing dash or dot is not part of a version (the digits before the
                // separator stop the loop before `start`).
                while matches!(t[j - 1], b'.' | b'-') {
                    j -= 1;
                }
            }
        }
        // `[0.8.0,0.8.1,0.8.2]`: one section for several versions (rustfmt).
        while bracketed && t.get(j) == Some(&b',') {
            let k = skip_ws(t, j + 1);
            if !t.get(k).is_some_and(u8::is_ascii_digit) {
                break;
            }
            j = k + t[k..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-'))
                .count();
        }
        (false, start..j)
    };
    let mut k = version.end;
    if bracketed {
        if t.get(k) != Some(&b']') {
            return None;
        }
        k += 1;
    } else if !matches!(t.get(k), None | Some(b' ' | b'\t' | b'(' | b',' | b':')) {
        // `1.2.3]`, `1.2.3x`: not a version heading.
        return None;
    }
    let mut link = None;
    if bracketed && t.get(k) == Some(&b'(') {
        let close = t[k..].iter().position(|&b| b == b')')? + k;
        link = Some(k + 1..close);
        k = close + 1;
    } else if bracketed && t.get(k) == Some(&b'[') {
        let close = t[k..].iter().position(|&b| b == b']')? + k;
        k = close + 1;
    }
    // The rest: separators, a date, a yanked marker, anything else.
    let rest = &title[k..];
    let lower = rest.to_ascii_lowercase();
    let mut yanked = None;
    if let Some(p) = lower.find("yanked") {
        // Widen to the marker's brackets and the space before it.
        let mut a = k + p;
        let mut b = a + 6;
        // `**YANKED**`, `_yanked_`: the emphasis is the marker's, not the date's. At `a == k`
        // the byte before ends the version, its bracket or its link: never emphasis or an
        // opening bracket.
        while matches!(t[a - 1], b'*' | b'_') && t.get(b) == Some(&t[a - 1]) {
            a -= 1;
            b += 1;
        }
        if matches!(t[a - 1], b'[' | b'(') {
            a -= 1;
            if matches!(t.get(b), Some(b']' | b')')) {
                b += 1;
            }
        }
        // None of these loops passes `k`: the byte before it ends the version (alphanumeric),
        // its bracket or its link, never a space or a dash.
        while matches!(t[a - 1], b' ' | b'\t') {
            a -= 1;
        }
        // `- YANKED` / `— yanked`
        if t[a - 1] == b'-' {
            a -= 1;
            while matches!(t[a - 1], b' ' | b'\t') {
                a -= 1;
            }
        }
        yanked = Some(a..b);
    }
    let mut d = k;
    loop {
        d = skip_ws(t, d);
        if d < t.len() && matches!(t[d], b'-' | b':' | b'(' | b',' | b'/') {
            d += 1;
            continue;
        }
        // `[2026-08-01]` is a date; `[BREAKING]` is not.
        if t.get(d) == Some(&b'[') && t.get(d + 1).is_some_and(u8::is_ascii_digit) {
            d += 1;
            continue;
        }
        if title[d..].starts_with('–') || title[d..].starts_with('—') {
            d += '–'.len_utf8();
            continue;
        }
        break;
    }
    // A date stands before the yanked marker. The separators stop at the marker's first letter,
    // so `d` never passes its end; when it is inside the marker (`1.2.3 - yanked`) there is no
    // date.
    let mut end = yanked.as_ref().map_or(t.len(), |y| y.start.max(d));
    if let Some(p) = t[d..end]
        .iter()
        .position(|&b| matches!(b, b')' | b'[' | b'(' | b']' | b'<'))
    {
        end = d + p;
    }
    // Trailing separators (`2024-01-02 -` before a marker) are not the date's.
    let date = t[d..end]
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b'-' | b','))
        .map(|p| d..d + p + 1);
    Some(TitleParts {
        unreleased,
        version,
        date,
        yanked,
        link,
        bracketed,
    })
}

/// True when a version heading names a release that has not happened yet: a development
/// version (`0.18.0-dev`, `1.2.0.dev1`, `2.0.0-SNAPSHOT`) or a placeholder date (`TBD`,
/// `Unreleased`, `upcoming`, `YYYY-MM-DD`, `ReleaseDate`). Such sections are never "the
/// latest release" and their date is not checked.
pub fn pending(version: &str, date: Option<&str>) -> bool {
    // The words are letters only, so they can only be found in the version's suffix, never in
    // its leading digits and dots.
    let version = version.to_ascii_lowercase();
    if ["dev", "snapshot", "nightly", "unreleased"]
        .iter()
        .any(|w| version.contains(w))
    {
        return true;
    }
    let Some(date) = date else {
        return false;
    };
    let d = date.trim().to_ascii_lowercase();
    if d.is_empty() || iso_date(&d).is_ok() {
        return false;
    }
    const WORDS: [&str; 14] = [
        "tbd",
        "tba",
        "unreleased",
        "upcoming",
        "in progress",
        "in development",
        "not released",
        "not yet released",
        "wip",
        "releasedate",
        "release date",
        "future",
        "pending",
        "soon",
    ];
    WORDS.iter().any(|w| d.contains(w))
        || d.chars()
            .all(|c| matches!(c, 'x' | 'y' | 'm' | 'd' | '?' | '-' | '.' | '/' | ' '))
}

/// Checks an ISO date `YYYY-MM-DD` that exists on the calendar.
pub fn iso_date(text: &str) -> Result<time::Date, String> {
    let b = text.as_bytes();
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !b
            .iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        return Err(format!("date {text:?} is not in the form YYYY-MM-DD"));
    }
    let year: i32 = text[0..4]
        .parse()
        .map_err(|_| format!("bad year in {text:?}"))?;
    let month: u8 = text[5..7]
        .parse()
        .map_err(|_| format!("bad month in {text:?}"))?;
    let day: u8 = text[8..10]
        .parse()
        .map_err(|_| format!("bad day in {text:?}"))?;
    let month =
        time::Month::try_from(month).map_err(|_| format!("date {text:?} has no month {month}"))?;
    time::Date::from_calendar_date(year, month, day)
        .map_err(|_| format!("date {text:?} is not a real calendar date"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn p(t: &str) -> (String, Option<String>, bool, Option<String>) {
        let parts = parse(t).unwrap();
        (
            t[parts.version.clone()].to_string(),
            parts.date.map(|d| t[d].to_string()),
            parts.yanked.is_some(),
            parts.link.map(|l| t[l].to_string()),
        )
    }

    #[test]
    fn titles() {
        assert_eq!(
            p("[1.2.3] - 2024-01-02"),
            ("1.2.3".into(), Some("2024-01-02".into()), false, None)
        );
        assert_eq!(
            p("1.2.3 (2024-01-02)"),
            ("1.2.3".into(), Some("2024-01-02".into()), false, None)
        );
        assert_eq!(p("Version 1.80.0 (2024-07-25)").0, "1.80.0");
        assert_eq!(p("[0.3.0-rc.1] - 2026-05-31").0, "0.3.0-rc.1");
        assert_eq!(
            p("[0.30.2](https://x/releases/tag/v0.30.2) - 2026-06-19"),
            (
                "0.30.2".into(),
                Some("2026-06-19".into()),
                false,
                Some("https://x/releases/tag/v0.30.2".into())
            )
        );
        assert_eq!(
            p("[1.0.0] - 2024-01-02 [YANKED]"),
            ("1.0.0".into(), Some("2024-01-02".into()), true, None)
        );
        assert_eq!(p("v2.0.0 - 03 Jul 2023").1, Some("03 Jul 2023".into()));
        assert_eq!(p("5.0.0 - TBD").1, Some("TBD".into()));
        assert!(parse("[Unreleased] - ReleaseDate").unwrap().unreleased);
        assert!(parse("Unreleased").unwrap().unreleased);
        assert!(parse("New Contributors").is_none());
        assert!(parse("2 things").is_none());
        assert!(parse("Unreleasedx").is_none());
    }

    #[test]
    fn dialects() {
        // `[date]` after an unbracketed version (time's `## 0.3.55 [2026-08-01]`).
        assert_eq!(
            p("0.3.55 [2026-08-01]"),
            ("0.3.55".into(), Some("2026-08-01".into()), false, None)
        );
        assert_eq!(p("v0.3.55 [2026-08-01]").1, Some("2026-08-01".into()));
        assert_eq!(p("1.2.3 - 2024-01-02").1, Some("2024-01-02".into()));
        assert_eq!(p("v1.2.3 (2024-01-02)").0, "1.2.3");
        assert_eq!(p("1.2.3 / 2024-01-02").1, Some("2024-01-02".into()));
        assert_eq!(
            p("1.2.3 [2024-01-02] [YANKED]"),
            ("1.2.3".into(), Some("2024-01-02".into()), true, None)
        );
        // PEP 440 versions are versions of their own.
        assert_eq!(p("[1.2.0rc2] - 2022-08-01").0, "1.2.0rc2");
        assert_eq!(p("[1.2.0b3] - 2022-07-01").0, "1.2.0b3");
        assert_eq!(p("1.2.0a1 (2022-06-01)").0, "1.2.0a1");
        assert_eq!(p("1.2.0.dev1").0, "1.2.0.dev1");
        assert_eq!(p("1.2.0.post1 - 2022-09-01").0, "1.2.0.post1");
        assert!(parse("1.2.0rcx").is_none());
        assert_eq!(
            p("[0.8.0,0.8.1, 0.8.2] 2018-05-28"),
            (
                "0.8.0,0.8.1, 0.8.2".into(),
                Some("2018-05-28".into()),
                false,
                None
            )
        );
        assert_eq!(p("1.2.3 [BREAKING]").1, None);
        assert_eq!(
            p("<a name=\"1.2.3\"></a>1.2.3 (2024-01-02)"),
            ("1.2.3".into(), Some("2024-01-02".into()), false, None)
        );
        // Inline HTML around the title.
        assert_eq!(
            p("<small>[8.2.2](https://x/compare/v8.2.1...v8.2.2) (2026-08-20)</small>"),
            (
                "8.2.2".into(),
                Some("2026-08-20".into()),
                false,
                Some("https://x/compare/v8.2.1...v8.2.2".into())
            )
        );
    }

    #[test]
    fn pending_sections() {
        assert!(pending("0.18.0-dev", Some("2026-01-01")));
        assert!(pending("1.2.0.dev1", None));
        assert!(pending("5.0.0", Some("TBD")));
        assert!(pending("5.0.0", Some("Unreleased")));
        assert!(pending("5.0.0", Some("YYYY-MM-DD")));
        assert!(!pending("5.0.0", Some("2026-01-01")));
        assert!(!pending("5.0.0", None));
        assert!(!pending("1.0.0-rc.1", Some("2026-01-01")));
        assert!(!pending("5.0.0", Some("03 Jul 2023")));
    }

    #[test]
    fn dates() {
        assert!(iso_date("2024-02-29").is_ok());
        assert!(iso_date("2023-02-29").is_err());
        assert!(iso_date("2023-13-01").is_err());
        assert!(iso_date("2023.04.03").is_err());
    }
}
