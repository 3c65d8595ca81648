//! Test harness: a real `docker-registry` (Debian) on a free loopback port, a token server,
//! a fault-injecting proxy, a fake GitHub REST API, and image seeding through the registry API.
//!
//! Everything here is std-only (threads and blocking sockets) so both the library tests and the
//! CLI tests can include it with `#[path]`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sha2::{Digest as _, Sha256};

// ---------------------------------------------------------------------------------------------
// Small HTTP pieces.

/// A parsed HTTP message head plus body. Headers keep order and repeats.
#[derive(Debug, Clone, Default)]
pub struct Message {
    /// Request: method. Response: empty.
    pub method: String,
    /// Request: path and query. Response: empty.
    pub path: String,
    /// Response: status code. Request: 0.
    pub status: u16,
    /// Response reason.
    pub reason: String,
    /// Headers in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Message {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
    pub fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    }
    pub fn set_header(&mut self, name: &str, value: &str) {
        self.remove_header(name);
        self.headers.push((name.to_string(), value.to_string()));
    }
}

fn read_head(reader: &mut BufReader<TcpStream>) -> Option<(String, Vec<(String, String)>)> {
    let mut first = String::new();
    if reader.read_line(&mut first).ok()? == 0 {
        return None;
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    Some((first.trim_end().to_string(), headers))
}

/// Reads one request from a client connection.
pub fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Message> {
    let (first, headers) = read_head(reader)?;
    let mut parts = first.split(' ');
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut msg = Message {
        method,
        path,
        headers,
        ..Message::default()
    };
    let len: usize = msg
        .header("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    msg.body = body;
    Some(msg)
}

/// Writes a response and closes the connection.
pub fn write_response(stream: &mut TcpStream, resp: &Message, head_only: bool) {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n",
        resp.status,
        if resp.reason.is_empty() {
            "X"
        } else {
            &resp.reason
        }
    );
    let mut has_len = false;
    for (k, v) in &resp.headers {
        if k.eq_ignore_ascii_case("connection") || k.eq_ignore_ascii_case("transfer-encoding") {
            continue;
        }
        if k.eq_ignore_ascii_case("content-length") {
            if !head_only {
                continue;
            }
            has_len = true;
        }
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    if !head_only {
        out.push_str(&format!("Content-Length: {}\r\n", resp.body.len()));
    } else if !has_len {
        out.push_str("Content-Length: 0\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    let _ = stream.write_all(out.as_bytes());
    if !head_only {
        let _ = stream.write_all(&resp.body);
    }
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
}

/// One HTTP/1.0 exchange (the server closes the connection, so the body runs to EOF).
pub fn http(addr: &str, req: &Message) -> Message {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut out = format!("{} {} HTTP/1.0\r\nHost: {addr}\r\n", req.method, req.path);
    for (k, v) in &req.headers {
        if k.eq_ignore_ascii_case("host")
            || k.eq_ignore_ascii_case("connection")
            || k.eq_ignore_ascii_case("content-length")
        {
            continue;
        }
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        req.body.len()
    ));
    stream.write_all(out.as_bytes()).unwrap();
    stream.write_all(&req.body).unwrap();
    let mut reader = BufReader::new(stream);
    let (first, headers) = read_head(&mut reader).expect("response head");
    let mut parts = first.splitn(3, ' ');
    let _version = parts.next();
    let status = parts.next().unwrap_or("0").parse().unwrap_or(0);
    let reason = parts.next().unwrap_or("").to_string();
    let mut body = Vec::new();
    if req.method != "HEAD" {
        let _ = reader.read_to_end(&mut body);
    }
    Message {
        status,
        reason,
        headers,
        body,
        ..Message::default()
    }
}

pub fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Message {
    Message {
        method: method.into(),
        path: path.into(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.to_vec(),
        ..Message::default()
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn sha256(bytes: &[u8]) -> String {
    let sum = Sha256::digest(bytes);
    let hex: String = sum.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

pub fn b64(bytes: &[u8], url: bool) -> String {
    let table: &[u8] = if url {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        let chars = [18, 12, 6, 0].map(|s| table[((n >> s) & 63) as usize] as char);
        let keep = chunk.len() + 1;
        for c in chars.iter().take(keep) {
            out.push(*c);
        }
        if !url {
            for _ in keep..4 {
                out.push('=');
            }
        }
    }
    out
}

/// Runs a tiny threaded server: `handle` gets each request and answers it.
fn serve<F>(handle: F) -> (String, Arc<AtomicBool>)
where
    F: Fn(Message, &mut TcpStream) + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let stop = Arc::new(AtomicBool::new(false));
    let stop2 = stop.clone();
    let handle = Arc::new(handle);
    thread::spawn(move || {
        for conn in listener.incoming() {
            if stop2.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = conn else { continue };
            let handle = handle.clone();
            thread::spawn(move || {
                let mut writer = stream.try_clone().unwrap();
                let mut reader = BufReader::new(stream);
                if let Some(req) = read_request(&mut reader) {
                    handle(req, &mut writer);
                }
            });
        }
    });
    (addr, stop)
}

fn stop_server(addr: &str, stop: &AtomicBool) {
    stop.store(true, Ordering::SeqCst);
    let _ = TcpStream::connect(addr);
}

// ---------------------------------------------------------------------------------------------
// The registry.

/// How the registry authenticates.
#[derive(Clone)]
pub enum Auth {
    None,
    /// htpasswd with one user.
    Basic {
        user: String,
        password: String,
    },
    /// Token auth through a [`TokenServer`].
    Token(Arc<TokenServer>),
}

/// A running `docker-registry`.
pub struct RegistryServer {
    pub addr: String,
    pub dir: PathBuf,
    child: Child,
    pub log: PathBuf,
}

impl RegistryServer {
    /// Starts a registry with storage in `dir/storage`.
    pub fn start(dir: &Path, auth: &Auth) -> RegistryServer {
        // A port found free can be taken before the registry binds it (tests run in
        // parallel): a registry that exits is restarted on another port.
        for _ in 0..5 {
            if let Some(server) = Self::try_start(dir, auth) {
                return server;
            }
        }
        panic!("docker-registry did not start after 5 tries");
    }

    fn try_start(dir: &Path, auth: &Auth) -> Option<RegistryServer> {
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let storage = dir.join("storage");
        std::fs::create_dir_all(&storage).unwrap();
        let auth_yaml = match auth {
            Auth::None => String::new(),
            Auth::Basic { user, password } => {
                let out = Command::new("htpasswd").args(["-Bbn", user, password]).output().unwrap();
                assert!(out.status.success(), "htpasswd failed");
                let file = dir.join("htpasswd");
                std::fs::write(&file, out.stdout).unwrap();
                format!("auth:\n  htpasswd:\n    realm: test-realm\n    path: {}\n", file.display())
            }
            Auth::Token(ts) => format!(
                "auth:\n  token:\n    realm: http://{}/token\n    service: test-registry\n    issuer: test-issuer\n    rootcertbundle: {}\n",
                ts.addr,
                ts.cert.display()
            ),
        };
        let config = format!(
            "version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: false\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: false\nhttp:\n  addr: {addr}\n{auth_yaml}",
            storage.display()
        );
        let config_path = dir.join(format!("config-{port}.yml"));
        std::fs::write(&config_path, config).unwrap();
        let log = dir.join(format!("registry-{port}.log"));
        let child = Command::new("/usr/bin/docker-registry")
            .arg("serve")
            .arg(&config_path)
            // The access log (one line per request) goes to stdout, the rest to stderr.
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::fs::File::create(dir.join(format!("registry-{port}.err"))).unwrap())
            .spawn()
            .expect("docker-registry runs (scripts/test installs it)");
        let mut server = RegistryServer {
            addr,
            dir: dir.to_path_buf(),
            child,
            log,
        };
        let err_log = dir.join(format!("registry-{port}.err"));
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if server.child.try_wait().ok().flatten().is_some() {
                return None; // it exited: the port was taken
            }
            // Ours is listening (its own log says so), and answers.
            let listening = std::fs::read_to_string(&err_log)
                .unwrap_or_default()
                .contains("listening on");
            if listening && TcpStream::connect(&server.addr).is_ok() {
                let r = http(&server.addr, &request("GET", "/v2/", &[], b""));
                if r.status == 200 || r.status == 401 {
                    return Some(server);
                }
            }
            assert!(
                Instant::now() < deadline,
                "registry did not start: {}",
                std::fs::read_to_string(&err_log).unwrap_or_default()
            );
            thread::sleep(Duration::from_millis(25));
        }
    }

    /// Requests the registry logged (`method path`), from its access log.
    pub fn access_log(&self) -> Vec<String> {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        text.lines()
            .filter_map(|l| {
                // Apache-style access line: ... "GET /v2/app/manifests/x HTTP/1.1" 200 ...
                let start = l.find('"')?;
                let rest = &l[start + 1..];
                let end = rest.find(" HTTP/")?;
                let req = &rest[..end];
                (req.starts_with("GET ")
                    || req.starts_with("HEAD ")
                    || req.starts_with("PUT ")
                    || req.starts_with("POST ")
                    || req.starts_with("PATCH ")
                    || req.starts_with("DELETE "))
                .then(|| req.to_string())
            })
            .collect()
    }
}

impl Drop for RegistryServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// Seeding images.

/// Pushes a blob (monolithic upload) and returns its digest.
pub fn push_blob(addr: &str, repo: &str, bytes: &[u8]) -> String {
    let digest = sha256(bytes);
    let r = http(
        addr,
        &request("POST", &format!("/v2/{repo}/blobs/uploads/"), &[], b""),
    );
    assert_eq!(
        r.status,
        202,
        "upload start: {}",
        String::from_utf8_lossy(&r.body)
    );
    let location = r.header("location").unwrap().to_string();
    let path = match location.find("/v2/") {
        Some(i) => location[i..].to_string(),
        None => location,
    };
    let sep = if path.contains('?') { '&' } else { '?' };
    let r = http(
        addr,
        &request(
            "PUT",
            &format!("{path}{sep}digest={digest}"),
            &[("Content-Type", "application/octet-stream")],
            bytes,
        ),
    );
    assert_eq!(
        r.status,
        201,
        "upload end: {}",
        String::from_utf8_lossy(&r.body)
    );
    digest
}

/// Puts a manifest under a tag (or digest) and returns its digest.
pub fn push_manifest(
    addr: &str,
    repo: &str,
    reference: &str,
    media_type: &str,
    bytes: &[u8],
) -> String {
    let r = http(
        addr,
        &request(
            "PUT",
            &format!("/v2/{repo}/manifests/{reference}"),
            &[("Content-Type", media_type)],
            bytes,
        ),
    );
    assert_eq!(
        r.status,
        201,
        "manifest put {reference}: {}",
        String::from_utf8_lossy(&r.body)
    );
    sha256(bytes)
}

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

/// A single-platform image whose manifest JSON has deliberately odd whitespace and key
/// order: any re-serialisation changes its digest.
pub fn push_image(addr: &str, repo: &str, tag: &str, seed: &str) -> String {
    let (bytes, _) = image_manifest(addr, repo, seed, "amd64");
    push_manifest(addr, repo, tag, OCI_MANIFEST, &bytes)
}

/// Builds (and pushes the blobs of) a single-platform manifest; returns the manifest bytes and
/// size.
pub fn image_manifest(addr: &str, repo: &str, seed: &str, arch: &str) -> (Vec<u8>, usize) {
    let config = format!(
        r#"{{"architecture":"{arch}","os":"linux","config":{{"Labels":{{"seed":"{seed}"}}}},"rootfs":{{"type":"layers","diff_ids":[]}}}}"#
    );
    let layer = format!("layer of {seed} for {arch}\n");
    let cd = push_blob(addr, repo, config.as_bytes());
    let ld = push_blob(addr, repo, layer.as_bytes());
    let manifest = format!(
        "{{\n   \"schemaVersion\" :  2,\n\t\"layers\": [ {{ \"mediaType\": \"application/vnd.oci.image.layer.v1.tar\", \"size\": {}, \"digest\": \"{ld}\" }} ],\n  \"mediaType\":\"{OCI_MANIFEST}\",\n  \"config\" : {{\"digest\":\"{cd}\",   \"mediaType\": \"application/vnd.oci.image.config.v1+json\", \"size\": {} }}\n}}\n\n",
        layer.len(),
        config.len()
    );
    let size = manifest.len();
    (manifest.into_bytes(), size)
}

/// A two-platform index (amd64, arm64) plus, optionally, a BuildKit attestation manifest with
/// an SPDX SBOM and SLSA provenance. Odd whitespace again.
pub fn push_index(addr: &str, repo: &str, tag: &str, seed: &str, attestations: bool) -> String {
    let (amd, amd_len) = image_manifest(addr, repo, seed, "amd64");
    let (arm, arm_len) = image_manifest(addr, repo, seed, "arm64");
    let amd_d = push_manifest(addr, repo, &sha256(&amd), OCI_MANIFEST, &amd);
    let arm_d = push_manifest(addr, repo, &sha256(&arm), OCI_MANIFEST, &arm);
    let mut entries = vec![
        format!("{{\"mediaType\":\"{OCI_MANIFEST}\",\"digest\":\"{amd_d}\",\"size\":{amd_len},\"platform\":{{\"architecture\":\"amd64\",\"os\":\"linux\"}}}}"),
        format!("{{ \"mediaType\": \"{OCI_MANIFEST}\", \"digest\": \"{arm_d}\", \"size\": {arm_len}, \"platform\": {{ \"architecture\": \"arm64\", \"os\": \"linux\", \"variant\": \"v8\" }} }}"),
    ];
    if attestations {
        let (att, att_len) = attestation_manifest(
            addr,
            repo,
            seed,
            &[
                "https://spdx.dev/Document",
                "https://slsa.dev/provenance/v0.2",
            ],
        );
        let att_d = push_manifest(addr, repo, &sha256(&att), OCI_MANIFEST, &att);
        entries.push(format!(
            "{{\"mediaType\":\"{OCI_MANIFEST}\",\"digest\":\"{att_d}\",\"size\":{att_len},\"annotations\":{{\"vnd.docker.reference.digest\":\"{amd_d}\",\"vnd.docker.reference.type\":\"attestation-manifest\"}},\"platform\":{{\"architecture\":\"unknown\",\"os\":\"unknown\"}}}}"
        ));
    }
    let index = format!(
        "{{\"schemaVersion\":2,   \"mediaType\": \"{OCI_INDEX}\",\n \"manifests\": [\n    {}\n ]  }}",
        entries.join(",\n    ")
    );
    push_manifest(addr, repo, tag, OCI_INDEX, index.as_bytes())
}

/// A manifest whose layers are in-toto statements with the given predicate types.
pub fn attestation_manifest(
    addr: &str,
    repo: &str,
    seed: &str,
    predicates: &[&str],
) -> (Vec<u8>, usize) {
    let config = b"{}";
    let cd = push_blob(addr, repo, config);
    let layers: Vec<String> = predicates
        .iter()
        .map(|p| {
            let statement = format!(r#"{{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"{p}","subject":[],"predicate":{{"seed":"{seed}"}}}}"#);
            let d = push_blob(addr, repo, statement.as_bytes());
            format!(
                "{{\"mediaType\":\"application/vnd.in-toto+json\",\"digest\":\"{d}\",\"size\":{},\"annotations\":{{\"in-toto.io/predicate-type\":\"{p}\"}}}}",
                statement.len()
            )
        })
        .collect();
    let m = format!(
        "{{\"schemaVersion\":2,\"mediaType\":\"{OCI_MANIFEST}\",\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{cd}\",\"size\":2}},\"layers\":[{}]}}",
        layers.join(",")
    );
    let len = m.len();
    (m.into_bytes(), len)
}

/// cosign-style attestation tag `sha256-<hex>.att` for a digest, with the given predicates.
pub fn push_cosign_att(addr: &str, repo: &str, subject: &str, predicates: &[&str]) {
    let config = b"{\"cosign\":true}";
    let cd = push_blob(addr, repo, config);
    let layers: Vec<String> = predicates
        .iter()
        .map(|p| {
            let env = format!(r#"{{"payloadType":"application/vnd.in-toto+json","payload":"{}","signatures":[]}}"#, b64(p.as_bytes(), false));
            let d = push_blob(addr, repo, env.as_bytes());
            format!(
                "{{\"mediaType\":\"application/vnd.dsse.envelope.v1+json\",\"digest\":\"{d}\",\"size\":{},\"annotations\":{{\"predicateType\":\"{p}\"}}}}",
                env.len()
            )
        })
        .collect();
    let m = format!(
        "{{\"schemaVersion\":2,\"mediaType\":\"{OCI_MANIFEST}\",\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{cd}\",\"size\":{}}},\"layers\":[{}]}}",
        config.len(),
        layers.join(",")
    );
    let tag = format!("{}.att", subject.replace(':', "-"));
    push_manifest(addr, repo, &tag, OCI_MANIFEST, m.as_bytes());
}

/// OCI 1.1 fallback tag `sha256-<hex>`: an index of referrers with artifact types.
pub fn push_fallback_referrers(
    addr: &str,
    repo: &str,
    subject: &str,
    artifact_types: &[(&str, Option<&str>)],
) {
    let config = b"{}";
    let cd = push_blob(addr, repo, config);
    let mut entries = Vec::new();
    for (i, (artifact, predicate)) in artifact_types.iter().enumerate() {
        let payload = format!("{{\"n\":{i}}}");
        let ld = push_blob(addr, repo, payload.as_bytes());
        let m = format!(
            "{{\"schemaVersion\":2,\"mediaType\":\"{OCI_MANIFEST}\",\"artifactType\":\"{artifact}\",\"config\":{{\"mediaType\":\"application/vnd.oci.empty.v1+json\",\"digest\":\"{cd}\",\"size\":2}},\"layers\":[{{\"mediaType\":\"{artifact}\",\"digest\":\"{ld}\",\"size\":{}}}],\"subject\":{{\"mediaType\":\"{OCI_MANIFEST}\",\"digest\":\"{subject}\",\"size\":1}}}}",
            payload.len()
        );
        let d = push_manifest(
            addr,
            repo,
            &sha256(m.as_bytes()),
            OCI_MANIFEST,
            m.as_bytes(),
        );
        let ann = predicate
            .map(|p| format!(",\"annotations\":{{\"dev.sigstore.bundle.predicateType\":\"{p}\"}}"))
            .unwrap_or_default();
        entries.push(format!(
            "{{\"mediaType\":\"{OCI_MANIFEST}\",\"digest\":\"{d}\",\"size\":{},\"artifactType\":\"{artifact}\"{ann}}}",
            m.len()
        ));
    }
    let index = format!(
        "{{\"schemaVersion\":2,\"mediaType\":\"{OCI_INDEX}\",\"manifests\":[{}]}}",
        entries.join(",")
    );
    push_manifest(
        addr,
        repo,
        &subject.replace(':', "-"),
        OCI_INDEX,
        index.as_bytes(),
    );
}

/// A sigstore bundle (v0.3) whose DSSE envelope carries an in-toto statement with `predicate`,
/// as GitHub's `actions/attest-build-provenance` and `attest-sbom` push it.
pub fn sigstore_bundle(subject: &str, predicate: &str) -> String {
    let statement = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"ghcr.io/acme/app","digest":{{"sha256":"{}"}}}}],"predicateType":"{predicate}","predicate":{{"buildDefinition":{{}}}}}}"#,
        subject.trim_start_matches("sha256:")
    );
    format!(
        r#"{{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{{"certificate":{{"rawBytes":"MIIB"}},"tlogEntries":[]}},"dsseEnvelope":{{"payload":"{}","payloadType":"application/vnd.in-toto+json","signatures":[{{"sig":"MEUCIQ","keyid":""}}]}}}}"#,
        b64(statement.as_bytes(), false)
    )
}

pub const SIGSTORE_BUNDLE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// Pushes one GitHub attestation for `subject` as `actions/attest` does: the bundle blob, an
/// OCI artifact manifest (`artifactType` the bundle type, `subject` the image) and returns the
/// artifact manifest's digest and size. `annotate` puts the `dev.sigstore.bundle.*` annotations
/// on the manifest (newer versions of the action do; the fallback index never has them here).
pub fn push_github_attestation(
    addr: &str,
    repo: &str,
    subject: &str,
    predicate: &str,
    annotate: bool,
) -> (String, usize) {
    let empty = push_blob(addr, repo, b"{}");
    let bundle = sigstore_bundle(subject, predicate);
    let bd = push_blob(addr, repo, bundle.as_bytes());
    let annotations = if annotate {
        format!(
            r#","annotations":{{"dev.sigstore.bundle.content":"dsse-envelope","dev.sigstore.bundle.predicateType":"{predicate}","org.opencontainers.image.created":"2026-01-01T00:00:00.000Z"}}"#
        )
    } else {
        String::new()
    };
    let m = format!(
        r#"{{"mediaType":"{OCI_MANIFEST}","schemaVersion":2,"artifactType":"{SIGSTORE_BUNDLE}","config":{{"mediaType":"application/vnd.oci.empty.v1+json","digest":"{empty}","size":2}},"layers":[{{"digest":"{bd}","mediaType":"{SIGSTORE_BUNDLE}","size":{},"annotations":{{"org.opencontainers.image.title":"{}.sigstore.json"}}}}],"subject":{{"digest":"{subject}","mediaType":"{OCI_INDEX}","size":1}}{annotations}}}"#,
        bundle.len(),
        bd.replace(':', "-")
    );
    let d = push_manifest(
        addr,
        repo,
        &sha256(m.as_bytes()),
        OCI_MANIFEST,
        m.as_bytes(),
    );
    (d, m.len())
}

/// The referrers tag schema's index `sha256-<hex>` listing the given referrers (digest, size)
/// with `artifactType` only, no annotations.
pub fn push_fallback_index(addr: &str, repo: &str, subject: &str, referrers: &[(String, usize)]) {
    let entries: Vec<String> = referrers
        .iter()
        .map(|(d, len)| {
            format!(
                r#"{{"mediaType":"{OCI_MANIFEST}","digest":"{d}","size":{len},"artifactType":"{SIGSTORE_BUNDLE}"}}"#
            )
        })
        .collect();
    let index = format!(
        r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","manifests":[{}]}}"#,
        entries.join(",")
    );
    push_manifest(
        addr,
        repo,
        &subject.replace(':', "-"),
        OCI_INDEX,
        index.as_bytes(),
    );
}

/// Reads a tag's digest straight from the registry (not through the code under test).
pub fn registry_digest(addr: &str, repo: &str, tag: &str) -> Option<String> {
    let r = http(
        addr,
        &request(
            "GET",
            &format!("/v2/{repo}/manifests/{tag}"),
            &[
                ("Accept", OCI_INDEX),
                ("Accept", OCI_MANIFEST),
                (
                    "Accept",
                    "application/vnd.docker.distribution.manifest.v2+json",
                ),
                (
                    "Accept",
                    "application/vnd.docker.distribution.manifest.list.v2+json",
                ),
            ],
            b"",
        ),
    );
    (r.status == 200).then(|| sha256(&r.body))
}

/// The standard release fixture: `app` with 0.3.1, 0.3.2 (single platform), 0.4.0 (a
/// two-platform index with attestations), aliases as the releases left them.
pub struct Seeded {
    pub digests: BTreeMap<String, String>,
}

pub fn seed_releases(addr: &str) -> Seeded {
    let mut digests = BTreeMap::new();
    let d031 = push_image(addr, "app", "0.3.1", "0.3.1");
    let d032 = push_image(addr, "app", "0.3.2", "0.3.2");
    let d040 = push_index(addr, "app", "0.4.0", "0.4.0", true);
    push_manifest_copy(addr, "app", "0.3.2", &["0.3"]);
    push_manifest_copy(addr, "app", "0.4.0", &["0.4", "0", "latest"]);
    digests.insert("0.3.1".into(), d031);
    digests.insert("0.3.2".into(), d032);
    digests.insert("0.4.0".into(), d040);
    Seeded { digests }
}

/// Copies a tag's exact manifest bytes to other tags (seeding only).
pub fn push_manifest_copy(addr: &str, repo: &str, from: &str, to: &[&str]) {
    let r = http(
        addr,
        &request(
            "GET",
            &format!("/v2/{repo}/manifests/{from}"),
            &[("Accept", OCI_INDEX), ("Accept", OCI_MANIFEST)],
            b"",
        ),
    );
    assert_eq!(r.status, 200);
    let ct = r.header("content-type").unwrap().to_string();
    for t in to {
        push_manifest(addr, repo, t, &ct, &r.body);
    }
}

// ---------------------------------------------------------------------------------------------
// Token server.

/// What the token server grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Every requested action.
    Requested,
    /// `pull` only, whatever was asked.
    PullOnly,
}

pub struct TokenServer {
    pub addr: String,
    pub cert: PathBuf,
    key: PathBuf,
    /// Issued tokens.
    pub issued: AtomicUsize,
    /// This many first tokens are already expired.
    pub expired_first: AtomicUsize,
    pub grant: Mutex<Grant>,
    /// Required Basic credentials (`user:password`), if any.
    pub basic: Option<String>,
    /// Scopes asked for, in order.
    pub scopes: Mutex<Vec<String>>,
    /// The OAuth2 refresh token accepted on POST.
    pub refresh_token: Mutex<Option<String>>,
    /// The raw JSON of `expires_in` in answers (`300` unless changed).
    pub expires_in: Mutex<String>,
    /// Refuse every request with 401 and a body that echoes the request's `Authorization`
    /// header (a token server that leaks what it was sent).
    pub echo_refusal: AtomicBool,
    stop: Arc<AtomicBool>,
}

impl TokenServer {
    pub fn start(dir: &Path, basic: Option<&str>) -> Arc<TokenServer> {
        let key = dir.join("token.key");
        let cert = dir.join("token.crt");
        let out = Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=test-issuer",
                "-days",
                "2",
                "-keyout",
            ])
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(out.success(), "openssl req failed");
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let ts = Arc::new(TokenServer {
            addr,
            cert,
            key,
            issued: AtomicUsize::new(0),
            expired_first: AtomicUsize::new(0),
            grant: Mutex::new(Grant::Requested),
            basic: basic.map(str::to_string),
            scopes: Mutex::new(Vec::new()),
            refresh_token: Mutex::new(None),
            expires_in: Mutex::new("300".into()),
            echo_refusal: AtomicBool::new(false),
            stop: Arc::new(AtomicBool::new(false)),
        });
        let me = ts.clone();
        thread::spawn(move || {
            for conn in listener.incoming() {
                if me.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = conn else { continue };
                let me = me.clone();
                thread::spawn(move || {
                    let mut writer = stream.try_clone().unwrap();
                    let mut reader = BufReader::new(stream);
                    if let Some(req) = read_request(&mut reader) {
                        let resp = me.answer(&req);
                        write_response(&mut writer, &resp, false);
                    }
                });
            }
        });
        ts
    }

    fn answer(&self, req: &Message) -> Message {
        if self.echo_refusal.load(Ordering::SeqCst) {
            return Message {
                status: 401,
                body: format!(
                    "access denied for request GET {} with headers: Authorization: {}; User-Agent: {}",
                    req.path,
                    req.header("authorization").unwrap_or("(none)"),
                    req.header("user-agent").unwrap_or("")
                )
                .into_bytes(),
                ..Message::default()
            };
        }
        if let Some(basic) = &self.basic {
            let want = format!("Basic {}", b64(basic.as_bytes(), false));
            if req.header("authorization") != Some(want.as_str()) {
                return Message {
                    status: 401,
                    body: br#"{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}"#
                        .to_vec(),
                    ..Message::default()
                };
            }
        }
        // GET with a query (docker's token flow), or POST with a form (OAuth2 refresh token).
        let query = if req.method == "POST" {
            String::from_utf8_lossy(&req.body).into_owned()
        } else {
            req.path
                .split_once('?')
                .map(|(_, q)| q)
                .unwrap_or("")
                .to_string()
        };
        let mut scope = String::new();
        let mut service = String::new();
        let mut refresh = String::new();
        for pair in query.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_decode(v);
            match k {
                "scope" => scope = v,
                "service" => service = v,
                "refresh_token" => refresh = v,
                _ => {}
            }
        }
        if req.method == "POST" {
            let want = self.refresh_token.lock().unwrap().clone();
            if want.as_deref() != Some(refresh.as_str()) {
                return Message {
                    status: 401,
                    body: br#"{"error":"invalid_grant"}"#.to_vec(),
                    ..Message::default()
                };
            }
        }
        self.scopes.lock().unwrap().push(scope.clone());
        let mut access = Vec::new();
        if let Some(rest) = scope.strip_prefix("repository:") {
            if let Some((name, actions)) = rest.rsplit_once(':') {
                let actions: Vec<&str> = match *self.grant.lock().unwrap() {
                    Grant::Requested => actions.split(',').collect(),
                    Grant::PullOnly => vec!["pull"],
                };
                access.push(format!(
                    r#"{{"type":"repository","name":"{name}","actions":[{}]}}"#,
                    actions
                        .iter()
                        .map(|a| format!("\"{a}\""))
                        .collect::<Vec<_>>()
                        .join(",")
                ));
            }
        }
        let n = self.issued.fetch_add(1, Ordering::SeqCst);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let expired = n < self.expired_first.load(Ordering::SeqCst);
        let (iat, exp) = if expired {
            (now - 3600, now - 1800)
        } else {
            (now - 10, now + 300)
        };
        let token = self.sign(&format!(
            r#"{{"iss":"test-issuer","sub":"tester","aud":"{service}","exp":{exp},"nbf":{iat},"iat":{iat},"jti":"t{n}","access":[{}]}}"#,
            access.join(",")
        ));
        let expires_in = self.expires_in.lock().unwrap().clone();
        let body = format!(
            r#"{{"token":"{token}","expires_in":{expires_in},"issued_at":"2026-01-01T00:00:00Z"}}"#
        );
        Message {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into_bytes(),
            ..Message::default()
        }
    }

    fn sign(&self, claims: &str) -> String {
        let der = Command::new("openssl")
            .args(["x509", "-outform", "DER", "-in"])
            .arg(&self.cert)
            .output()
            .unwrap()
            .stdout;
        let header = format!(
            r#"{{"typ":"JWT","alg":"RS256","x5c":["{}"]}}"#,
            b64(&der, false)
        );
        let input = format!(
            "{}.{}",
            b64(header.as_bytes(), true),
            b64(claims.as_bytes(), true)
        );
        let mut child = Command::new("openssl")
            .args(["dgst", "-sha256", "-sign"])
            .arg(&self.key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let sig = child.wait_with_output().unwrap().stdout;
        format!("{input}.{}", b64(&sig, true))
    }
}

impl Drop for TokenServer {
    fn drop(&mut self) {
        stop_server(&self.addr, &self.stop);
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 3 <= b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(if b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------------------------
// The fault-injecting proxy.

/// Request headers in order, repeats kept.
pub type Headers = Vec<(String, String)>;

/// Runs with the request and the registry's answer (see [`Fault::After`]).
pub type AfterFn = Box<dyn Fn(&Message, &mut Message) + Send + Sync>;

/// What a rule does to a matching request.
pub enum Fault {
    /// Answer with this instead of asking the registry.
    Respond(Message),
    /// Close the connection without an answer.
    Drop,
    /// Wait, then forward.
    Delay(Duration),
    /// Forward, then change the registry's answer.
    Rewrite(Box<dyn Fn(&mut Message) + Send + Sync>),
    /// Answer with what this makes of the request (a server that echoes headers), without
    /// asking the registry.
    Handle(Box<dyn Fn(&Message) -> Message + Send + Sync>),
    /// Forward, then run this with the request and the registry's answer before answering
    /// (a concurrent writer that lands right after the client's write).
    After(AfterFn),
}

pub struct Rule {
    pub method: Option<&'static str>,
    pub path_contains: String,
    /// How many times it fires (`usize::MAX`: always).
    pub times: usize,
    pub fault: Arc<Fault>,
}

pub struct Proxy {
    pub addr: String,
    /// `METHOD path` of every request the client sent, in order.
    pub log: Arc<Mutex<Vec<String>>>,
    /// The request headers of every request, in order, repeats kept.
    pub heads: Arc<Mutex<Vec<Headers>>>,
    pub rules: Arc<Mutex<Vec<Rule>>>,
    stop: Arc<AtomicBool>,
}

impl Proxy {
    pub fn start(upstream: &str) -> Proxy {
        let log = Arc::new(Mutex::new(Vec::new()));
        let rules: Arc<Mutex<Vec<Rule>>> = Arc::new(Mutex::new(Vec::new()));
        let upstream = upstream.to_string();
        let heads: Arc<Mutex<Vec<Headers>>> = Arc::new(Mutex::new(Vec::new()));
        let (log2, rules2, heads2) = (log.clone(), rules.clone(), heads.clone());
        let (addr, stop) = serve(move |req, stream| {
            log2.lock()
                .unwrap()
                .push(format!("{} {}", req.method, req.path));
            heads2.lock().unwrap().push(req.headers.clone());
            let fault: Option<Arc<Fault>> = {
                let mut rules = rules2.lock().unwrap();
                let pos = rules.iter().position(|r| {
                    r.times > 0
                        && r.method.is_none_or(|m| m == req.method)
                        && req.path.contains(&r.path_contains)
                });
                pos.map(|i| {
                    if rules[i].times != usize::MAX {
                        rules[i].times -= 1;
                    }
                    let f = rules[i].fault.clone();
                    if rules[i].times == 0 {
                        rules.remove(i);
                    }
                    f
                })
            };
            let head_only = req.method == "HEAD";
            match fault.as_deref() {
                Some(Fault::Respond(m)) => write_response(stream, m, head_only),
                Some(Fault::Drop) => {
                    let _ = stream.shutdown(Shutdown::Both);
                }
                Some(Fault::Delay(d)) => {
                    thread::sleep(*d);
                    let resp = http(&upstream, &req);
                    write_response(stream, &resp, head_only);
                }
                Some(Fault::Rewrite(f)) => {
                    let mut resp = http(&upstream, &req);
                    f(&mut resp);
                    write_response(stream, &resp, head_only);
                }
                Some(Fault::Handle(f)) => write_response(stream, &f(&req), head_only),
                Some(Fault::After(f)) => {
                    let mut resp = http(&upstream, &req);
                    f(&req, &mut resp);
                    write_response(stream, &resp, head_only);
                }
                None => {
                    let resp = http(&upstream, &req);
                    write_response(stream, &resp, head_only);
                }
            }
        });
        Proxy {
            addr,
            log,
            heads,
            rules,
            stop,
        }
    }

    pub fn add(
        &self,
        method: Option<&'static str>,
        path_contains: &str,
        times: usize,
        fault: Fault,
    ) {
        self.rules.lock().unwrap().push(Rule {
            method,
            path_contains: path_contains.into(),
            times,
            fault: Arc::new(fault),
        });
    }

    pub fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    pub fn count(&self, prefix: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.starts_with(prefix))
            .count()
    }

    pub fn clear(&self) {
        self.log.lock().unwrap().clear();
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        stop_server(&self.addr, &self.stop);
    }
}

pub fn status(code: u16, headers: &[(&str, &str)], body: &str) -> Message {
    Message {
        status: code,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
        ..Message::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Fake GitHub REST API (as docs.github.com describes it).

#[derive(Debug, Clone)]
pub struct GhRelease {
    pub id: u64,
    pub tag: String,
    pub body: String,
    pub assets: Vec<String>,
}

pub struct FakeGitHub {
    pub addr: String,
    pub releases: Arc<Mutex<Vec<GhRelease>>>,
    pub log: Arc<Mutex<Vec<String>>>,
    /// Respond 502 to this many requests first.
    pub fail_first: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl FakeGitHub {
    /// Serves `/repos/{repo}/releases…`; writes need `Authorization: Bearer {token}`.
    pub fn start(repo: &str, token: &str, page_size: usize) -> FakeGitHub {
        let releases: Arc<Mutex<Vec<GhRelease>>> = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::new(Mutex::new(Vec::new()));
        let fail_first = Arc::new(AtomicUsize::new(0));
        let (r2, l2, f2) = (releases.clone(), log.clone(), fail_first.clone());
        let prefix = format!("/repos/{repo}/releases");
        let token = format!("Bearer {token}");
        let addr_cell: Arc<Mutex<String>> = Arc::new(Mutex::new(String::new()));
        let a2 = addr_cell.clone();
        let (addr, stop) = serve(move |req, stream| {
            l2.lock()
                .unwrap()
                .push(format!("{} {}", req.method, req.path));
            let json = |code: u16, body: String| Message {
                status: code,
                headers: vec![(
                    "Content-Type".into(),
                    "application/json; charset=utf-8".into(),
                )],
                body: body.into_bytes(),
                ..Message::default()
            };
            let not_found = || {
                json(404, r#"{"message":"Not Found","documentation_url":"https://docs.github.com/rest/releases/releases#get-a-release-by-tag-name","status":"404"}"#.into())
            };
            if f2.load(Ordering::SeqCst) > 0 {
                f2.fetch_sub(1, Ordering::SeqCst);
                write_response(
                    stream,
                    &json(502, r#"{"message":"Server Error"}"#.into()),
                    false,
                );
                return;
            }
            let authed = req.header("authorization") == Some(token.as_str());
            if req.header("authorization").is_some() && !authed {
                write_response(stream, &json(401, r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}"#.into()), false);
                return;
            }
            let Some(rest) = req.path.strip_prefix(&prefix) else {
                write_response(stream, &not_found(), false);
                return;
            };
            let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
            let release_json = |r: &GhRelease| {
                format!(
                    r#"{{"url":"x","html_url":"https://github.com/o/r/releases/tag/{t}","id":{id},"tag_name":"{t}","name":"{t}","body":{b},"draft":false,"prerelease":false,"assets":[]}}"#,
                    t = r.tag,
                    id = r.id,
                    b = serde_json::to_string(&r.body).unwrap()
                )
            };
            let mut releases = r2.lock().unwrap();
            let resp = if req.method == "GET" && rest.starts_with("/tags/") {
                let tag = &rest["/tags/".len()..];
                match releases.iter().find(|r| r.tag == tag) {
                    Some(r) => json(200, release_json(r)),
                    None => not_found(),
                }
            } else if req.method == "POST" && rest.is_empty() {
                if !authed {
                    json(401, r#"{"message":"Requires authentication","documentation_url":"https://docs.github.com/rest"}"#.into())
                } else {
                    let v: serde_json::Value =
                        serde_json::from_slice(&req.body).unwrap_or_default();
                    let tag = v["tag_name"].as_str().unwrap_or("").to_string();
                    if releases.iter().any(|r| r.tag == tag) {
                        json(422, r#"{"message":"Validation Failed","errors":[{"resource":"Release","code":"already_exists","field":"tag_name"}],"documentation_url":"https://docs.github.com/rest/releases/releases#create-a-release"}"#.into())
                    } else {
                        let r = GhRelease {
                            id: 1000 + releases.len() as u64,
                            tag,
                            body: v["body"].as_str().unwrap_or("").into(),
                            assets: vec![],
                        };
                        let out = json(201, release_json(&r));
                        releases.push(r);
                        out
                    }
                }
            } else if let Some(id) = rest
                .strip_prefix('/')
                .and_then(|r| r.split('/').next())
                .and_then(|i| i.parse::<u64>().ok())
            {
                let tail = rest
                    .trim_start_matches('/')
                    .trim_start_matches(|c: char| c.is_ascii_digit());
                match releases.iter_mut().find(|r| r.id == id) {
                    None => not_found(),
                    Some(r) if req.method == "PATCH" && tail.is_empty() => {
                        if !authed {
                            json(401, r#"{"message":"Requires authentication"}"#.into())
                        } else {
                            let v: serde_json::Value =
                                serde_json::from_slice(&req.body).unwrap_or_default();
                            if let Some(b) = v["body"].as_str() {
                                r.body = b.to_string();
                            }
                            json(200, release_json(r))
                        }
                    }
                    Some(r) if req.method == "GET" && tail == "/assets" => {
                        let mut page = 1usize;
                        let mut per = 30usize;
                        for pair in query.split('&') {
                            match pair.split_once('=') {
                                Some(("page", v)) => page = v.parse().unwrap_or(1),
                                Some(("per_page", v)) => per = v.parse().unwrap_or(30),
                                _ => {}
                            }
                        }
                        let per = per.min(page_size);
                        let start = (page - 1) * per;
                        let items: Vec<String> = r
                            .assets
                            .iter()
                            .enumerate()
                            .skip(start)
                            .take(per)
                            .map(|(i, n)| format!(r#"{{"id":{},"name":"{n}","size":10,"state":"uploaded","content_type":"application/octet-stream"}}"#, r.id * 100 + i as u64))
                            .collect();
                        let mut m = json(200, format!("[{}]", items.join(",")));
                        if start + per < r.assets.len() {
                            let base = a2.lock().unwrap().clone();
                            m.headers.push((
                                "Link".into(),
                                format!(r#"<http://{base}{prefix}/{id}/assets?per_page={per}&page={}>; rel="next", <http://{base}{prefix}/{id}/assets?per_page={per}&page=1>; rel="first""#, page + 1),
                            ));
                        }
                        m
                    }
                    Some(_) => not_found(),
                }
            } else {
                not_found()
            };
            drop(releases);
            write_response(stream, &resp, false);
        });
        *addr_cell.lock().unwrap() = addr.clone();
        FakeGitHub {
            addr,
            releases,
            log,
            fail_first,
            stop,
        }
    }

    pub fn add_release(&self, tag: &str, body: &str, assets: &[&str]) -> u64 {
        let mut r = self.releases.lock().unwrap();
        let id = 1000 + r.len() as u64;
        r.push(GhRelease {
            id,
            tag: tag.into(),
            body: body.into(),
            assets: assets.iter().map(|s| s.to_string()).collect(),
        });
        id
    }

    pub fn body_of(&self, tag: &str) -> String {
        self.releases
            .lock()
            .unwrap()
            .iter()
            .find(|r| r.tag == tag)
            .unwrap()
            .body
            .clone()
    }

    pub fn api_base(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for FakeGitHub {
    fn drop(&mut self) {
        stop_server(&self.addr, &self.stop);
    }
}

// ---------------------------------------------------------------------------------------------
// Fake announcement services, answering as their documentation says: Discord's execute-webhook
// (`?wait=true` answers 200 with the message; 429 with `retry_after` seconds in the JSON body
// and `Retry-After`; 400 "Invalid Form Body" over 2000 characters; 401 for a wrong token),
// Slack's incoming webhooks (200 `ok`; plain-text errors `invalid_payload`, `no_text`,
// `no_service`; 429 with `Retry-After`), Mastodon's `POST /api/v1/statuses` (Bearer token,
// `Idempotency-Key` answered with the first status, 422 `{"error":"Validation failed: Text
// character limit of 500 exceeded"}` where every link counts 23), GitHub's GraphQL API
// (`repository { id discussionCategories }`, `createDiscussion`, errors in `errors` with a
// 200, 401 "Bad credentials"), and a JSON webhook.

/// One accepted post.
#[derive(Debug, Clone)]
pub struct Post {
    /// `discord`, `slack`, `mastodon`, `discussions`, `webhook`.
    pub service: &'static str,
    /// The JSON body as received.
    pub body: serde_json::Value,
    /// The headers as received.
    pub headers: Vec<(String, String)>,
}

pub struct FakeServices {
    pub addr: String,
    /// Accepted posts, in order.
    pub posts: Arc<Mutex<Vec<Post>>>,
    /// Answers served once, before the normal handling, to requests whose path starts with the
    /// prefix: `(prefix, answer)`.
    pub faults: Arc<Mutex<Vec<(String, Message)>>>,
    /// When set, every request gets a 400 that echoes its path and `Authorization` header (a
    /// badly behaved service: the secrets must still not reach any output).
    pub echo: Arc<AtomicBool>,
    /// Every request line received.
    pub log: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

/// The secrets the fake accepts.
pub const DISCORD_TOKEN: &str = "dIsCoRdWeBhOoKtOkEn0123456789abcdefABCDEF";
pub const SLACK_TOKEN: &str = "sLaCkHoOkSeCrEt0123456789";
pub const MASTODON_TOKEN: &str = "mAsToDoNaCcEsStOkEn0123456789xyz";
pub const GITHUB_TOKEN: &str = "ghp_FakeGraphqlToken0123456789abcdefABCD";

/// Mastodon's length: characters, every `http(s)://` link counting 23.
fn mastodon_len(text: &str) -> usize {
    text.split([' ', '\n'])
        .map(|w| {
            if w.starts_with("http://") || w.starts_with("https://") {
                23
            } else {
                w.chars().count()
            }
        })
        .sum::<usize>()
        + text.matches([' ', '\n']).count()
}

impl FakeServices {
    pub fn start() -> FakeServices {
        let posts: Arc<Mutex<Vec<Post>>> = Arc::new(Mutex::new(Vec::new()));
        let faults: Arc<Mutex<Vec<(String, Message)>>> = Arc::new(Mutex::new(Vec::new()));
        let echo = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let statuses: Arc<Mutex<BTreeMap<String, String>>> = Arc::new(Mutex::new(BTreeMap::new()));
        let (p2, f2, e2, l2, s2) = (
            posts.clone(),
            faults.clone(),
            echo.clone(),
            log.clone(),
            statuses.clone(),
        );
        let (addr, stop) = serve(move |req, stream| {
            l2.lock()
                .unwrap()
                .push(format!("{} {}", req.method, req.path));
            let json = |code: u16, body: String| Message {
                status: code,
                headers: vec![("Content-Type".into(), "application/json".into())],
                body: body.into_bytes(),
                ..Message::default()
            };
            let text = |code: u16, body: &str| Message {
                status: code,
                headers: vec![("Content-Type".into(), "text/html".into())],
                body: body.as_bytes().to_vec(),
                ..Message::default()
            };
            if e2.load(Ordering::SeqCst) {
                let auth = req.header("authorization").unwrap_or("-").to_string();
                let body = format!(
                    r#"{{"message":"cannot handle {} {} with Authorization: {auth}","error":"invalid request {} (authorization {auth})"}}"#,
                    req.method, req.path, req.path
                );
                write_response(stream, &json(400, body), false);
                return;
            }
            let fault = {
                let mut f = f2.lock().unwrap();
                let i = f.iter().position(|(p, _)| req.path.starts_with(p.as_str()));
                i.map(|i| f.remove(i).1)
            };
            if let Some(answer) = fault {
                write_response(stream, &answer, false);
                return;
            }
            let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
            let record = |service: &'static str| {
                p2.lock().unwrap().push(Post {
                    service,
                    body: body.clone(),
                    headers: req.headers.clone(),
                });
            };
            let bearer =
                |token: &str| req.header("authorization") == Some(&format!("Bearer {token}"));
            let path = req.path.as_str();
            let resp = if let Some(rest) = path.strip_prefix("/api/webhooks/") {
                let (hook, query) = rest.split_once('?').unwrap_or((rest, ""));
                let token = hook.split('/').nth(1).unwrap_or("");
                if req.method != "POST" {
                    json(
                        405,
                        r#"{"message": "405: Method Not Allowed", "code": 0}"#.into(),
                    )
                } else if token != DISCORD_TOKEN {
                    json(
                        401,
                        r#"{"message": "Invalid Webhook Token", "code": 50027}"#.into(),
                    )
                } else {
                    let content = body["content"].as_str().unwrap_or("");
                    if content.is_empty() {
                        json(
                            400,
                            r#"{"message": "Cannot send an empty message", "code": 50006}"#.into(),
                        )
                    } else if content.chars().count() > 2000 {
                        json(400, r#"{"code": 50035, "errors": {"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer in length."}]}}, "message": "Invalid Form Body"}"#.into())
                    } else {
                        record("discord");
                        if query.contains("wait=true") {
                            json(
                                200,
                                format!(
                                    r#"{{"id": "1100000000000000001", "type": 0, "content": {}, "channel_id": "1000000000000000001", "webhook_id": "1000000000000000002"}}"#,
                                    serde_json::to_string(content).unwrap()
                                ),
                            )
                        } else {
                            status(204, &[], "")
                        }
                    }
                }
            } else if let Some(rest) = path.strip_prefix("/services/") {
                if !rest.ends_with(SLACK_TOKEN) {
                    text(404, "no_service")
                } else if req.header("content-type") != Some("application/json") || body.is_null() {
                    text(400, "invalid_payload")
                } else if body["text"].as_str().unwrap_or("").is_empty() {
                    text(400, "no_text")
                } else {
                    record("slack");
                    text(200, "ok")
                }
            } else if path == "/api/v1/statuses" {
                if !bearer(MASTODON_TOKEN) {
                    json(401, r#"{"error":"The access token is invalid"}"#.into())
                } else {
                    let status_text = body["status"].as_str().unwrap_or("");
                    let key = req.header("idempotency-key").map(str::to_string);
                    let known = key
                        .as_ref()
                        .and_then(|k| s2.lock().unwrap().get(k).cloned());
                    if let Some(existing) = known {
                        json(200, existing)
                    } else if status_text.is_empty() {
                        json(
                            422,
                            r#"{"error":"Validation failed: Text can't be blank"}"#.into(),
                        )
                    } else if mastodon_len(status_text) > 500 {
                        json(422, r#"{"error":"Validation failed: Text character limit of 500 exceeded"}"#.into())
                    } else {
                        record("mastodon");
                        let n = p2.lock().unwrap().len();
                        let out = format!(
                            r#"{{"id":"{n}","uri":"https://social.example/users/release/statuses/{n}","url":"https://social.example/@release/{n}","visibility":{},"content":"<p></p>"}}"#,
                            body["visibility"]
                        );
                        if let Some(k) = key {
                            s2.lock().unwrap().insert(k, out.clone());
                        }
                        json(200, out)
                    }
                }
            } else if path == "/graphql" {
                if !bearer(GITHUB_TOKEN) {
                    json(401, r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/graphql"}"#.into())
                } else {
                    let query = body["query"].as_str().unwrap_or("");
                    if query.contains("createDiscussion") {
                        let input = &body["variables"]["input"];
                        if input["repositoryId"] != "R_kgDOrepo"
                            || input["categoryId"] != "DIC_kwDOannounce"
                        {
                            json(200, r#"{"data":{"createDiscussion":null},"errors":[{"type":"NOT_FOUND","path":["createDiscussion"],"locations":[{"line":1,"column":45}],"message":"Could not resolve to a node with the global id of 'x'"}]}"#.into())
                        } else {
                            record("discussions");
                            let n = p2.lock().unwrap().len();
                            json(
                                200,
                                format!(
                                    r#"{{"data":{{"createDiscussion":{{"discussion":{{"url":"https://github.com/kubedoio/rustshare/discussions/{n}"}}}}}}}}"#
                                ),
                            )
                        }
                    } else if query.contains("discussionCategories") {
                        if body["variables"]["owner"] == "kubedoio"
                            && body["variables"]["name"] == "rustshare"
                        {
                            json(200, r#"{"data":{"repository":{"id":"R_kgDOrepo","discussionCategories":{"nodes":[{"id":"DIC_kwDOgeneral","name":"General","slug":"general"},{"id":"DIC_kwDOannounce","name":"Announcements","slug":"announcements"}]}}}}"#.into())
                        } else {
                            json(200, r#"{"data":{"repository":null},"errors":[{"type":"NOT_FOUND","path":["repository"],"locations":[{"line":1,"column":41}],"message":"Could not resolve to a Repository with the name 'x'."}]}"#.into())
                        }
                    } else {
                        json(200, r#"{"errors":[{"message":"Parse error"}]}"#.into())
                    }
                }
            } else if path.starts_with("/hook") {
                record("webhook");
                status(204, &[], "")
            } else {
                json(404, r#"{"message":"Not Found"}"#.into())
            };
            write_response(stream, &resp, false);
        });
        FakeServices {
            addr,
            posts,
            faults,
            echo,
            log,
            stop,
        }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn discord_url(&self) -> String {
        format!(
            "{}/api/webhooks/1000000000000000002/{DISCORD_TOKEN}",
            self.base()
        )
    }
    pub fn slack_url(&self) -> String {
        format!("{}/services/T0001/B0001/{SLACK_TOKEN}", self.base())
    }
    pub fn webhook_url(&self) -> String {
        format!("{}/hook/{SLACK_TOKEN}x", self.base())
    }
    pub fn graphql_url(&self) -> String {
        format!("{}/graphql", self.base())
    }
    /// Serves `answer` once to the next request whose path starts with `prefix`.
    pub fn fault(&self, prefix: &str, answer: Message) {
        self.faults
            .lock()
            .unwrap()
            .push((prefix.to_string(), answer));
    }
    pub fn posts_to(&self, service: &str) -> Vec<Post> {
        self.posts
            .lock()
            .unwrap()
            .iter()
            .filter(|p| p.service == service)
            .cloned()
            .collect()
    }
}

impl Drop for FakeServices {
    fn drop(&mut self) {
        stop_server(&self.addr, &self.stop);
    }
}
