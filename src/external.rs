//! `check --external`: are the http(s) links in the content alive?
//!
//! HEAD first, GET when a server refuses HEAD; bounded concurrency; a minimum
//! interval between requests to one host; timeouts; retries on 429 and 5xx
//! (honouring `Retry-After`, bounded); and a cache file of good results, so a
//! rerun within a day requests only what it has not seen succeed.

use std::collections::{BTreeMap, HashMap};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::config::CheckConfig;
use crate::diag::Diagnostic;

/// How long a good result is trusted.
const CACHE_TTL_SECS: u64 = 24 * 3600;
/// Retries after the first attempt for 429 and 5xx answers.
const RETRIES: u32 = 2;

/// The outcome of checking one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx or 3xx.
    Ok,
    /// A final HTTP status that is an error.
    Status(u16),
    /// No answer: DNS, connection or timeout.
    Failed(String),
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn host_of(url: &str) -> String {
    url.split("://")
        .nth(1)
        .unwrap_or(url)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_string()
}

fn skipped(url: &str, skip: &[String]) -> bool {
    skip.iter()
        .any(|p| url.starts_with(p.trim_end_matches('*')))
}

/// Per-host pacing: each host gets requests no closer than `interval`.
struct Pacer {
    next: Mutex<HashMap<String, Instant>>,
    interval: Duration,
}

impl Pacer {
    fn wait(&self, host: &str) {
        let slot = {
            let mut m = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let at = m.get(host).copied().filter(|t| *t > now).unwrap_or(now);
            m.insert(host.to_string(), at + self.interval);
            at
        };
        let wait = slot.saturating_duration_since(Instant::now());
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
    }
}

/// Longest `Retry-After` honoured: a server asking for more is reported as it answered.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// How long a `Retry-After` value asks to wait: delay-seconds or an HTTP
/// date; None when absent, unreadable or longer than [`MAX_RETRY_AFTER`].
pub fn retry_after(value: Option<&str>, now: SystemTime) -> Option<Duration> {
    let v = value?.trim();
    let wait = match v.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => httpdate::parse_http_date(v)
            .ok()?
            .duration_since(now)
            .unwrap_or(Duration::ZERO),
    };
    (wait <= MAX_RETRY_AFTER).then_some(wait)
}

/// HEAD (GET when a server refuses HEAD), with the same retry rule for both:
/// 429 and 5xx answers are retried up to [`RETRIES`] times, after the
/// server's `Retry-After` (at most 30 s) or 1 s, 2 s; no answer at all (DNS,
/// refused connection, timeout) is final at once, so a dead host costs one
/// timeout, not three.
fn check_one(agent: &ureq::Agent, pacer: &Pacer, url: &str) -> Outcome {
    let host = host_of(url);
    match request(agent, pacer, url, &host, false) {
        Outcome::Status(403 | 405 | 501) => request(agent, pacer, url, &host, true),
        other => other,
    }
}

fn request(agent: &ureq::Agent, pacer: &Pacer, url: &str, host: &str, get: bool) -> Outcome {
    for attempt in 0..=RETRIES {
        pacer.wait(host);
        let result = if get {
            agent.get(url).call()
        } else {
            agent.head(url).call()
        };
        let resp = match result {
            Ok(resp) => resp,
            Err(e) => return Outcome::Failed(e.to_string()),
        };
        let status = resp.status().as_u16();
        if status < 400 {
            return Outcome::Ok;
        }
        if (status == 429 || status >= 500) && attempt < RETRIES {
            let asked = resp.headers().get("retry-after").map(|v| v.to_str().ok());
            let wait = match asked {
                // A wait we will not honour: the answer stands.
                Some(v) => match retry_after(v, SystemTime::now()) {
                    Some(w) => w,
                    None => return Outcome::Status(status),
                },
                None => Duration::from_secs(1 << attempt),
            };
            std::thread::sleep(wait);
            continue;
        }
        return Outcome::Status(status);
    }
    Outcome::Failed("no answer".into())
}

/// Check `links` (url, file, line, column); `cache` is the cache file.
pub fn check(
    links: &[(String, PathBuf, usize, usize)],
    cfg: &CheckConfig,
    cache: &Path,
) -> Vec<Diagnostic> {
    let mut cached: BTreeMap<String, u64> = std::fs::read_to_string(cache)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let fresh = now().saturating_sub(CACHE_TTL_SECS);
    let mut urls: Vec<&str> = links
        .iter()
        .map(|(u, ..)| u.as_str())
        .filter(|u| !skipped(u, &cfg.external_skip))
        .filter(|u| cached.get(*u).is_none_or(|t| *t < fresh))
        .collect();
    urls.sort_unstable();
    urls.dedup();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(
            cfg.external_timeout_secs.unwrap_or(10),
        )))
        .http_status_as_error(false)
        .user_agent("handbook-link-check")
        .build()
        .into();
    let pacer = Pacer {
        next: Mutex::new(HashMap::new()),
        interval: Duration::from_millis(cfg.external_host_interval_ms.unwrap_or(500)),
    };
    let results: Arc<Mutex<HashMap<String, Outcome>>> = Arc::default();
    let queue = Mutex::new(urls.iter().copied());
    let total = urls.len();
    let tty = std::io::stderr().is_terminal();
    std::thread::scope(|s| {
        for _ in 0..cfg.external_concurrency.unwrap_or(8).clamp(1, 64) {
            s.spawn(|| {
                loop {
                    let Some(url) = queue.lock().unwrap_or_else(|p| p.into_inner()).next() else {
                        break;
                    };
                    let outcome = check_one(&agent, &pacer, url);
                    let mut r = results.lock().unwrap_or_else(|p| p.into_inner());
                    r.insert(url.to_string(), outcome);
                    if tty {
                        eprint!("\rchecking external links: {}/{total}", r.len());
                        let _ = std::io::stderr().flush();
                    }
                }
            });
        }
    });
    if tty && total > 0 {
        eprintln!();
    }
    let results = results.lock().unwrap_or_else(|p| p.into_inner()).clone();
    for (url, outcome) in &results {
        if *outcome == Outcome::Ok {
            cached.insert(url.clone(), now());
        } else {
            cached.remove(url);
        }
    }
    if let Some(dir) = cache.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(
        cache,
        serde_json::to_string_pretty(&cached).unwrap_or_default(),
    );
    links
        .iter()
        .filter_map(|(url, file, line, col)| {
            let message = match results.get(url)? {
                Outcome::Ok => return None,
                Outcome::Status(s) => format!("external link {url} answers HTTP {s}"),
                Outcome::Failed(e) => format!("external link {url} cannot be reached: {e}"),
            };
            Some(
                Diagnostic::error("external-link", message)
                    .in_file(file)
                    .at(*line, *col),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates_and_caps() {
        let now = UNIX_EPOCH + Duration::from_secs(1_784_000_000);
        assert_eq!(retry_after(Some("3"), now), Some(Duration::from_secs(3)));
        assert_eq!(retry_after(Some(" 30 "), now), Some(MAX_RETRY_AFTER));
        assert_eq!(retry_after(Some("31"), now), None);
        let in_five = httpdate::fmt_http_date(now + Duration::from_secs(5));
        assert_eq!(
            retry_after(Some(&in_five), now),
            Some(Duration::from_secs(5))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(5));
        assert_eq!(retry_after(Some(&past), now), Some(Duration::ZERO));
        assert_eq!(retry_after(Some("soon"), now), None);
        assert_eq!(retry_after(None, now), None);
    }
}
