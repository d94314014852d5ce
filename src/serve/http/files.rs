//! Answering a page or file request from the current version.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use super::{Reply, reply};
use crate::serve::Shared;

const LIVE_SCRIPT: &str = include_str!("../../../themes/default/static/live.js");

fn inject(html: &[u8], path: &str, error: Option<&str>) -> Vec<u8> {
    let root = crate::paths::root_prefix(path);
    let mut extra = format!(
        "<script data-handbook-live data-poll=\"{root}__handbook/poll\">{LIVE_SCRIPT}</script>"
    );
    if let Some(e) = error {
        let mut escaped = String::new();
        crate::html::escape_into(&mut escaped, e);
        extra.push_str(&format!(
            "<div id=\"handbook-error\" role=\"alert\" style=\"position:fixed;inset:auto 16px 16px 16px;z-index:1000;max-height:50vh;overflow:auto;padding:16px 20px;border-radius:10px;background:#2b0f0f;color:#ffd7d5;border:2px solid #ff7b72;font:14px/1.5 ui-monospace,monospace;box-shadow:0 10px 30px rgba(0,0,0,.4)\"><strong style=\"color:#ff7b72\">Build failed; showing the last good version.</strong><pre style=\"white-space:pre-wrap;margin:8px 0 0\">{escaped}</pre></div>"
        ));
    }
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

/// The response for `path` (already cleaned by [`super::clean_path`]).
pub(super) fn respond(shared: &Shared, path: String) -> Reply {
    let lookup = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path
    };
    let (body, status, served_path, error) = {
        let cur = match shared.current.read() {
            Ok(c) => c,
            Err(p) => p.into_inner(),
        };
        let error = cur.error.clone();
        if let Some(b) = cur.files.get(&lookup) {
            (Some(b.clone()), 200, lookup, error)
        } else if lookup.starts_with("search/") {
            drop(cur);
            let found = shared.search_files().and_then(|s| s.get(&lookup).cloned());
            let status = if found.is_some() { 200 } else { 404 };
            (found, status, lookup, error)
        } else if cur.assets.contains(&lookup) {
            let bytes = read_beneath(&cur.content_dir, &lookup).map(Arc::new);
            (bytes, 200, lookup, error)
        } else if cur.files.contains_key(&format!("{lookup}/index.html")) {
            let to = format!("/{}/", crate::paths::encode_href(&lookup));
            return reply(301, &[("Location", &to)], bytes::Bytes::new());
        } else {
            let not_found = crate::paths::generated::NOT_FOUND;
            (
                cur.files.get(not_found).cloned(),
                404,
                not_found.to_string(),
                error,
            )
        }
    };
    let Some(body) = body else {
        // Nothing to show, e.g. a site broken since startup: a page that
        // carries the error overlay and reloads once the site builds.
        if let Some(e) = &error {
            let page = inject(b"<!doctype html><html><head><meta charset=\"utf-8\"><title>Build failed</title></head><body></body></html>", &served_path, Some(e));
            return reply(
                500,
                &[
                    ("Content-Type", "text/html; charset=utf-8"),
                    ("Cache-Control", "no-store"),
                ],
                page,
            );
        }
        return reply(404, &[], "not found");
    };
    let mime = mime_guess::from_path(&served_path).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    // Text types (scripts are `text/javascript`) and SVG name their charset.
    let content_type = if mime.type_() == "text" || mime.essence_str() == "image/svg+xml" {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    };
    let bytes = if is_html {
        inject(&body, &served_path, error.as_deref())
    } else {
        body.to_vec()
    };
    reply(
        status,
        &[
            ("Content-Type", &content_type),
            ("Cache-Control", "no-store"),
            ("X-Content-Type-Options", "nosniff"),
        ],
        bytes,
    )
}

/// Read the regular file `rel` beneath `root`, resolved by the kernel in
/// one step that no link can leave (`openat2` with `RESOLVE_BENEATH`: a
/// component swapped for a link to elsewhere between the site's load and
/// this read fails the open, it is not followed). `None` for anything
/// else, and on kernels without `openat2` (before Linux 5.6).
fn read_beneath(root: &Path, rel: &str) -> Option<Vec<u8>> {
    use rustix::fs::{Mode, OFlags, ResolveFlags};
    let dir = rustix::fs::open(
        root,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .ok()?;
    let fd = rustix::fs::openat2(
        &dir,
        rel,
        OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK,
        Mode::empty(),
        ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS,
    )
    .ok()?;
    let st = rustix::fs::fstat(&fd).ok()?;
    if rustix::fs::FileType::from_raw_mode(st.st_mode) != rustix::fs::FileType::RegularFile {
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(st.st_size).unwrap_or(0));
    std::fs::File::from(fd).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}
