//! When and how long to wait before trying a request again, and the one loop that does it
//! ([`send`]) for GitHub and the announcement channels.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::error::RegistryError;

/// Retry settings: 408, 429, 5xx and connection errors are retried with capped exponential
/// backoff, or after the server's `Retry-After` when it sends one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How many times a request is sent at most (1 = no retry).
    pub attempts: u32,
    /// The first backoff; each next one doubles.
    pub base: Duration,
    /// The longest backoff.
    pub cap: Duration,
    /// The longest `Retry-After` we wait; a server asking for more gets this.
    pub max_retry_after: Duration,
    /// The timeout of one request (connect, send, receive).
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 4,
            base: Duration::from_millis(200),
            cap: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
            timeout: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1` (attempt counts from 1), honouring `Retry-After`.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after {
            return after.min(self.max_retry_after);
        }
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.base.saturating_mul(factor).min(self.cap)
    }
}

/// What one try of a request came to, for [`with_retries`].
#[derive(Debug)]
pub enum Try<T, E> {
    /// The answer (a success or a final failure): no more tries.
    Done(Result<T, E>),
    /// An answer worth another try, after the server's `Retry-After` when it gave one;
    /// `last` is what the caller gets when the tries run out (a transport error, or the last
    /// status the server answered).
    Again {
        /// The server's wish, if any.
        after: Option<Duration>,
        /// The outcome returned when no try is left.
        last: Result<T, E>,
    },
}

/// The one retry loop: calls `send` with the try number (from 1) until it is done or
/// `policy.attempts` tries have been made, waiting [`RetryPolicy::delay`] between tries.
pub async fn with_retries<T, E, F, Fut>(policy: &RetryPolicy, mut send: F) -> Result<T, E>
where
    F: FnMut(u32) -> Fut,
    Fut: std::future::Future<Output = Try<T, E>>,
{
    let mut attempt = 0u32;
    loop {
        attempt = attempt.saturating_add(1);
        match send(attempt).await {
            Try::Done(result) => return result,
            Try::Again { last, .. } if attempt >= policy.attempts => return last,
            Try::Again { after, .. } => tokio::time::sleep(policy.delay(attempt, after)).await,
        }
    }
}

/// Whether a status is worth another try: 408, 429 and 5xx other than 501/505 (which will not
/// change).
pub fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429) || ((500..600).contains(&status) && status != 501 && status != 505)
}

/// Parses `Retry-After`: delay-seconds or an HTTP date (past dates mean "now").
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// An answer as received.
#[derive(Debug)]
pub struct Reply {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What [`send`] does with an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Hand it to the caller.
    Done,
    /// Try again (while attempts are left), after the server's wait when it named one.
    Retry(Option<Duration>),
}

/// The usual verdict: 408, 429 and 5xx retry, after `Retry-After` when sent.
pub fn default_verdict(reply: &Reply) -> Verdict {
    if retryable_status(reply.status.as_u16()) {
        Verdict::Retry(
            reply
                .header("retry-after")
                .and_then(|v| parse_retry_after(v, SystemTime::now())),
        )
    } else {
        Verdict::Done
    }
}

/// Sends the request `build` makes, up to `policy.attempts` times: connection failures and
/// answers `judge` calls [`Verdict::Retry`] are tried again after the capped backoff or the
/// server's wait. The last answer is returned whatever its status (the caller judges it);
/// after the last connection failure the error names `what`, never the URL (which may hold a
/// webhook's secret).
pub async fn send(
    policy: &RetryPolicy,
    what: &str,
    build: impl Fn() -> Result<reqwest::RequestBuilder, RegistryError>,
    judge: impl Fn(&Reply) -> Verdict,
) -> Result<Reply, RegistryError> {
    with_retries(policy, |_| async {
        let request = match build() {
            Ok(r) => r,
            Err(e) => return Try::Done(Err(e)),
        };
        let sent = match request.timeout(policy.timeout).send().await {
            Ok(resp) => {
                let status = resp.status();
                let headers = resp.headers().clone();
                resp.bytes().await.map(|b| Reply {
                    status,
                    headers,
                    body: b.to_vec(),
                })
            }
            Err(e) => Err(e),
        };
        match sent {
            Err(e) => Try::Again {
                after: None,
                last: Err(RegistryError::Network {
                    what: what.into(),
                    detail: e.without_url().to_string(),
                }),
            },
            Ok(reply) => match judge(&reply) {
                Verdict::Retry(after) => Try::Again {
                    after,
                    last: Ok(reply),
                },
                Verdict::Done => Try::Done(Ok(reply)),
            },
        }
    })
    .await
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_both_forms() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn backoff_is_capped_and_retry_after_bounded() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay(1, None), Duration::from_millis(200));
        assert_eq!(p.delay(2, None), Duration::from_millis(400));
        assert_eq!(p.delay(30, None), p.cap);
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(3600))),
            p.max_retry_after
        );
        assert!(retryable_status(429) && retryable_status(503) && retryable_status(408));
        assert!(!retryable_status(501) && !retryable_status(404) && !retryable_status(401));
    }
}
