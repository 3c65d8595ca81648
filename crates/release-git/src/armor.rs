//! OpenPGP ASCII armor (RFC 4880 section 6) to binary: a trusted key file may hold several
//! armored keys one after the other (an export appended to another), which one binary keyring
//! then holds; a tag's signature block is one armored signature.

/// Decodes every `-----BEGIN PGP PUBLIC KEY BLOCK-----` block of `text` and concatenates the
/// binary packets (a valid OpenPGP keyring). A file without armor is taken as binary already.
pub(crate) fn dearmor_keys(text: &[u8]) -> Result<Vec<u8>, String> {
    const BEGIN: &[u8] = b"-----BEGIN PGP PUBLIC KEY BLOCK-----";
    if !text.windows(BEGIN.len()).any(|w| w == BEGIN) {
        return Ok(text.to_vec());
    }
    dearmor(text, "PGP PUBLIC KEY BLOCK")
}

/// Decodes every `-----BEGIN {label}-----` block of `text` and concatenates the binary packets.
/// The CRC-24 line is not checked: it is optional (RFC 9580) and the packets carry their own
/// integrity (signatures).
pub(crate) fn dearmor(text: &[u8], label: &str) -> Result<Vec<u8>, String> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut out = Vec::new();
    let mut lines = text.split(|&b| b == b'\n').map(trim_cr);
    while let Some(line) = lines.next() {
        if line != begin.as_bytes() {
            continue;
        }
        // Armor headers (`Comment: ...`) run to the first blank line.
        let mut data = Vec::new();
        let mut in_headers = true;
        let mut ended = false;
        for line in lines.by_ref() {
            if line == end.as_bytes() {
                ended = true;
                break;
            }
            if in_headers {
                if line.is_empty() {
                    in_headers = false;
                    continue;
                }
                if line.windows(2).any(|w| w == b": ") {
                    continue;
                }
                in_headers = false;
            }
            if line.first() == Some(&b'=') {
                continue;
            }
            data.extend(line.iter().filter(|b| !b.is_ascii_whitespace()));
        }
        if !ended {
            return Err("an armor block has no END line".into());
        }
        out.extend(base64_decode(&data)?);
    }
    Ok(out)
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn base64_decode(data: &[u8]) -> Result<Vec<u8>, String> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| format!("invalid base64: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_blocks_and_skips_headers_and_crc() {
        let text = b"junk\n-----BEGIN PGP PUBLIC KEY BLOCK-----\nComment: x\n\naGVsbG8g\nd29ybGQ=\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nIQ==\n-----END PGP PUBLIC KEY BLOCK-----\n";
        assert_eq!(dearmor_keys(text).unwrap(), b"hello world!");
        assert_eq!(dearmor_keys(b"\x99\x01").unwrap(), b"\x99\x01");
        assert!(dearmor_keys(b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nQQ==\n").is_err());
    }

    #[test]
    fn data_may_follow_the_begin_line_without_headers_or_blank_line() {
        // Only `Key: value` lines are armor headers; the first other line is data, as some
        // exporters write blocks without headers and without the blank line.
        let text =
            b"-----BEGIN PGP SIGNATURE-----\naGVsbG8g\nd29ybGQ=\n-----END PGP SIGNATURE-----\n";
        assert_eq!(dearmor(text, "PGP SIGNATURE").unwrap(), b"hello world");
    }
}
