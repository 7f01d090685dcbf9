//! HTTP fetching with limits and an SSRF guard.
//!
//! A [`Fetcher`] wraps one `reqwest` client (connection pool, rustls, gzip) and applies a
//! [`FetchConfig`] to every request:
//!
//! * a whole-request timeout and a connect timeout;
//! * a body size limit, enforced while the body streams in (the request is abandoned as soon as
//!   it passes `max_bytes`, and refused up front when `Content-Length` already says so);
//! * a redirect limit, with every hop checked again by the guard below;
//! * conditional requests (`If-None-Match`, `If-Modified-Since`): a 304 is
//!   [`Fetched::NotModified`];
//! * the SSRF guard: unless `allow_private`, no connection is made to a loopback, private
//!   (RFC 1918, ULA `fc00::/7`), link-local, unspecified, CGNAT (`100.64.0.0/10`), multicast,
//!   broadcast, documentation or otherwise reserved address, nor to the IPv4-mapped IPv6 form of
//!   one. The check covers IP-literal hosts (before connecting), every address a host name
//!   resolves to (a custom resolver drops them, so a name that resolves, or re-resolves, to
//!   `127.0.0.1` is refused), and every redirect hop. No proxy from the environment is used,
//!   since a proxy would connect on our behalf past the guard.

use std::error::Error as StdError;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH};
use reqwest::StatusCode;

/// Limits and policy for every request.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Whole-request timeout (connect, headers and body).
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Largest body accepted, in bytes; a larger one is an error (not truncated).
    pub max_bytes: usize,
    pub max_redirects: usize,
    /// Allow private (RFC 1918, ULA), loopback, link-local and other non-global addresses.
    pub allow_private: bool,
    pub user_agent: String,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(10),
            max_bytes: 8 * 1024 * 1024,
            max_redirects: 5,
            allow_private: false,
            user_agent: concat!("sitrep/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

/// Validators from an earlier answer, for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Conditional {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A successful answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched {
    /// 304: nothing changed since the validators.
    NotModified,
    Body {
        /// The URL after redirects.
        final_url: String,
        content_type: Option<String>,
        etag: Option<String>,
        last_modified: Option<String>,
        body: Vec<u8>,
    },
}

/// Why a fetch failed. Messages name the URL and say what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: not an http(s) URL")]
    BadUrl { url: String },
    #[error("{url}: refused: {addr} is a private, loopback or link-local address (pass --allow-private to fetch it)")]
    Private { url: String, addr: String },
    #[error("{url}: timed out after {secs} s")]
    Timeout { url: String, secs: u64 },
    #[error("{url}: larger than the {limit}-byte limit")]
    TooLarge { url: String, limit: usize },
    #[error("{url}: more than {limit} redirects")]
    TooManyRedirects { url: String, limit: usize },
    #[error("{url}: HTTP {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: {message}")]
    Network { url: String, message: String },
}

impl FetchError {
    /// The URL the error is about.
    pub fn url(&self) -> &str {
        match self {
            FetchError::BadUrl { url }
            | FetchError::Private { url, .. }
            | FetchError::Timeout { url, .. }
            | FetchError::TooLarge { url, .. }
            | FetchError::TooManyRedirects { url, .. }
            | FetchError::Status { url, .. }
            | FetchError::Network { url, .. } => url,
        }
    }
}

/// Whether `ip` is an address the guard refuses: anything that is not a global unicast address
/// (loopback, private, link-local, unspecified, CGNAT, multicast, broadcast, documentation,
/// benchmarking, reserved), including the IPv4-mapped, IPv4-compatible and NAT64 IPv6 forms of
/// such an IPv4 address.
pub fn is_forbidden_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_forbidden_v4(v4),
        IpAddr::V6(v6) => is_forbidden_v6(v6),
    }
}

fn is_forbidden_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || o[0] == 0 // "this network"
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // CGNAT 100.64.0.0/10
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18.0.0/15
        || o[0] >= 240 // reserved
}

fn is_forbidden_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_forbidden_v4(v4);
    }
    // IPv4-compatible (deprecated) ::a.b.c.d, and NAT64 64:ff9b::/96.
    if s[..6] == [0, 0, 0, 0, 0, 0] || s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let v4 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
        return ip.is_loopback() || ip.is_unspecified() || is_forbidden_v4(v4);
    }
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated) fec0::/10
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation 2001:db8::/32
        || s[0] == 0x0100 && s[1..4] == [0, 0, 0] // discard-only 100::/64
}

/// The host of `url` as an IP address, when it is an IP literal.
fn literal_ip(url: &url::Url) -> Option<IpAddr> {
    match url.host()? {
        url::Host::Ipv4(a) => Some(IpAddr::V4(a)),
        url::Host::Ipv6(a) => Some(IpAddr::V6(a)),
        url::Host::Domain(_) => None,
    }
}

/// Check a URL's shape and, without `allow_private`, its host when it is an IP literal or
/// `localhost`. No DNS look-up: names are checked when they resolve, at fetch time.
pub fn check_url(url: &str, allow_private: bool) -> Result<url::Url, FetchError> {
    let parsed = url::Url::parse(url).map_err(|_| FetchError::BadUrl {
        url: url.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
        return Err(FetchError::BadUrl {
            url: url.to_string(),
        });
    }
    if !allow_private {
        if let Some(ip) = literal_ip(&parsed) {
            if is_forbidden_ip(ip) {
                return Err(FetchError::Private {
                    url: url.to_string(),
                    addr: ip.to_string(),
                });
            }
        } else if let Some(url::Host::Domain(d)) = parsed.host() {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            if d == "localhost" || d.ends_with(".localhost") {
                return Err(FetchError::Private {
                    url: url.to_string(),
                    addr: d,
                });
            }
        }
    }
    Ok(parsed)
}

/// Raised inside reqwest (resolver, redirect policy) and found again in the error chain.
#[derive(Debug)]
enum Refusal {
    Private(String),
    TooManyRedirects,
    BadScheme,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Private(a) => write!(f, "refused: {a} is not a public address"),
            Refusal::TooManyRedirects => write!(f, "too many redirects"),
            Refusal::BadScheme => write!(f, "redirect to a non-http(s) URL"),
        }
    }
}

impl StdError for Refusal {}

/// A resolver that drops refused addresses (and fails when none is left).
struct GuardedResolver;

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = addrs
                .iter()
                .copied()
                .filter(|a| !is_forbidden_ip(a.ip()))
                .collect();
            if allowed.is_empty() {
                let addr = addrs
                    .first()
                    .map(|a| format!("{host} ({})", a.ip()))
                    .unwrap_or(host);
                return Err(Box::new(Refusal::Private(addr)) as Box<dyn StdError + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// A reusable client (connection pool) that applies a [`FetchConfig`].
#[derive(Clone)]
pub struct Fetcher {
    config: FetchConfig,
    client: reqwest::Client,
}

impl Fetcher {
    pub fn new(config: FetchConfig) -> Result<Self, FetchError> {
        let max_redirects = config.max_redirects;
        let allow_private = config.allow_private;
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max_redirects {
                return attempt.error(Refusal::TooManyRedirects);
            }
            let url = attempt.url();
            if !matches!(url.scheme(), "http" | "https") {
                return attempt.error(Refusal::BadScheme);
            }
            if !allow_private {
                if let Some(ip) = literal_ip(url) {
                    if is_forbidden_ip(ip) {
                        return attempt.error(Refusal::Private(ip.to_string()));
                    }
                }
                if let Some(url::Host::Domain(d)) = url.host() {
                    let d = d.trim_end_matches('.').to_ascii_lowercase();
                    if d == "localhost" || d.ends_with(".localhost") {
                        return attempt.error(Refusal::Private(d));
                    }
                }
            }
            attempt.follow()
        });
        let mut b = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .redirect(policy)
            .user_agent(config.user_agent.clone())
            .no_proxy()
            .gzip(true);
        if !config.allow_private {
            b = b.dns_resolver(Arc::new(GuardedResolver));
        }
        let client = b.build().map_err(|e| FetchError::Network {
            url: String::new(),
            message: format!("cannot build the HTTP client: {e}"),
        })?;
        Ok(Fetcher { config, client })
    }

    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// Turn a reqwest error into a [`FetchError`], finding our own refusals in its chain.
    fn map_err(&self, url: &str, e: reqwest::Error) -> FetchError {
        let url = e
            .url()
            .map(|u| u.to_string())
            .filter(|_| e.is_redirect())
            .unwrap_or_else(|| url.to_string());
        let mut src: Option<&(dyn StdError + 'static)> = Some(&e);
        while let Some(s) = src {
            if let Some(r) = s.downcast_ref::<Refusal>() {
                return match r {
                    Refusal::Private(addr) => FetchError::Private {
                        url,
                        addr: addr.clone(),
                    },
                    Refusal::TooManyRedirects => FetchError::TooManyRedirects {
                        url,
                        limit: self.config.max_redirects,
                    },
                    Refusal::BadScheme => FetchError::BadUrl { url },
                };
            }
            src = s.source();
        }
        if e.is_timeout() {
            return FetchError::Timeout {
                url,
                secs: self.config.timeout.as_secs(),
            };
        }
        // The chain's innermost message is the useful one (connection refused, DNS failure...).
        let mut message = e.to_string();
        let mut src = e.source();
        while let Some(s) = src {
            message = s.to_string();
            src = s.source();
        }
        FetchError::Network { url, message }
    }

    /// Read a body, refusing it past `max_bytes` (early on `Content-Length`).
    async fn read_body(
        &self,
        url: &str,
        mut resp: reqwest::Response,
    ) -> Result<Vec<u8>, FetchError> {
        let limit = self.config.max_bytes;
        if resp.content_length().is_some_and(|n| n > limit as u64) {
            return Err(FetchError::TooLarge {
                url: url.to_string(),
                limit,
            });
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.map_err(url, e))? {
            if body.len() + chunk.len() > limit {
                return Err(FetchError::TooLarge {
                    url: url.to_string(),
                    limit,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    /// GET `url`, conditional on `cond`.
    pub async fn get(&self, url: &str, cond: &Conditional) -> Result<Fetched, FetchError> {
        let parsed = check_url(url, self.config.allow_private)?;
        self.get_checked(parsed, url, cond).await
    }

    /// GET a URL already through [`check_url`] (redirect hops and resolved names are still
    /// checked by the client).
    async fn get_checked(
        &self,
        parsed: url::Url,
        url: &str,
        cond: &Conditional,
    ) -> Result<Fetched, FetchError> {
        let mut headers = HeaderMap::new();
        if let Some(v) = cond
            .etag
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            headers.insert(IF_NONE_MATCH, v);
        }
        if let Some(v) = cond
            .last_modified
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            headers.insert(IF_MODIFIED_SINCE, v);
        }
        let resp = self
            .client
            .get(parsed)
            .headers(headers)
            .send()
            .await
            .map_err(|e| self.map_err(url, e))?;
        let status = resp.status();
        let final_url = resp.url().to_string();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status {
                url: final_url,
                status: status.as_u16(),
            });
        }
        let h = resp.headers();
        let text = |v: Option<&HeaderValue>| v.and_then(|v| v.to_str().ok()).map(str::to_string);
        let content_type = text(h.get(reqwest::header::CONTENT_TYPE));
        let etag = text(h.get(ETAG));
        let last_modified = text(h.get(reqwest::header::LAST_MODIFIED));
        let body = self.read_body(&final_url, resp).await?;
        Ok(Fetched::Body {
            final_url,
            content_type,
            etag,
            last_modified,
            body,
        })
    }

    /// POST a JSON body (webhooks); same limits and guard. Ok on any 2xx.
    pub async fn post_json(&self, url: &str, body: &serde_json::Value) -> Result<u16, FetchError> {
        let parsed = check_url(url, self.config.allow_private)?;
        let bytes = serde_json::to_vec(body).map_err(|e| FetchError::Network {
            url: url.to_string(),
            message: format!("cannot encode the JSON body: {e}"),
        })?;
        let resp = self
            .client
            .post(parsed)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(bytes)
            .send()
            .await
            .map_err(|e| self.map_err(url, e))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(FetchError::Status {
                url: resp.url().to_string(),
                status: status.as_u16(),
            });
        }
        // Drain (bounded) so that the connection can be reused.
        let _ = self.read_body(url, resp).await;
        Ok(status.as_u16())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{header, HeaderMap as AxHeaders, StatusCode as AxStatus};
    use axum::response::{IntoResponse, Redirect};
    use axum::routing::{get, post};
    use axum::Router;

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    }

    async fn serve(app: Router) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}")
    }

    fn app() -> Router {
        Router::new()
            .route("/small", get(|| async { "a short body" }))
            .route("/big", get(|| async { "x".repeat(10_000) }))
            .route(
                "/stream-big",
                get(|| async {
                    // No Content-Length: chunked, so the limit must apply while streaming.
                    let chunks = (0..50).map(|_| Ok::<_, std::io::Error>("y".repeat(1000)));
                    axum::body::Body::from_stream(tokio_stream_iter(chunks))
                }),
            )
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    "late"
                }),
            )
            .route(
                "/loop/{n}",
                get(
                    |axum::extract::Path(n): axum::extract::Path<u32>| async move {
                        Redirect::temporary(&format!("/loop/{}", n + 1))
                    },
                ),
            )
            .route(
                "/to-private",
                get(|| async { Redirect::temporary("http://10.255.255.1/secret") }),
            )
            .route(
                "/to-count",
                get(|h: AxHeaders| async move {
                    let host = h.get(header::HOST).unwrap().to_str().unwrap().to_string();
                    Redirect::temporary(&format!("http://{host}/count"))
                }),
            )
            .route("/to-small", get(|| async { Redirect::temporary("/small") }))
            .route(
                "/etag",
                get(|h: AxHeaders| async move {
                    if h.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some("\"v1\"")
                    {
                        return AxStatus::NOT_MODIFIED.into_response();
                    }
                    ([(header::ETAG, "\"v1\"")], "versioned").into_response()
                }),
            )
            .route(
                "/lastmod",
                get(|h: AxHeaders| async move {
                    let lm = "Tue, 03 Mar 2026 10:00:00 GMT";
                    if h.get(header::IF_MODIFIED_SINCE)
                        .and_then(|v| v.to_str().ok())
                        == Some(lm)
                    {
                        return AxStatus::NOT_MODIFIED.into_response();
                    }
                    ([(header::LAST_MODIFIED, lm)], "dated").into_response()
                }),
            )
            .route(
                "/hook",
                post(|body: String| async move {
                    if body.contains("\"ok\":true") {
                        AxStatus::NO_CONTENT.into_response()
                    } else {
                        AxStatus::BAD_REQUEST.into_response()
                    }
                }),
            )
            .route("/gone", get(|| async { AxStatus::NOT_FOUND }))
    }

    fn tokio_stream_iter<I>(it: I) -> impl futures_util::Stream<Item = I::Item>
    where
        I: Iterator,
    {
        futures_util::stream::iter(it)
    }

    fn fetcher(allow_private: bool) -> Fetcher {
        Fetcher::new(FetchConfig {
            timeout: Duration::from_secs(1),
            max_bytes: 4096,
            max_redirects: 3,
            allow_private,
            ..Default::default()
        })
        .unwrap()
    }

    fn body(f: Fetched) -> Vec<u8> {
        match f {
            Fetched::Body { body, .. } => body,
            Fetched::NotModified => panic!("expected a body"),
        }
    }

    #[test]
    fn limits_redirects_and_conditional_requests() {
        let rt = rt();
        rt.block_on(async {
            let base = serve(app()).await;
            let f = fetcher(true);
            let none = Conditional::default();
            let got = f.get(&format!("{base}/small"), &none).await.unwrap();
            assert_eq!(body(got), b"a short body");

            let e = f.get(&format!("{base}/big"), &none).await.unwrap_err();
            assert!(matches!(e, FetchError::TooLarge { limit: 4096, .. }), "{e}");
            let e = f
                .get(&format!("{base}/stream-big"), &none)
                .await
                .unwrap_err();
            assert!(matches!(e, FetchError::TooLarge { .. }), "{e}");

            let t0 = std::time::Instant::now();
            let e = f.get(&format!("{base}/slow"), &none).await.unwrap_err();
            assert!(matches!(e, FetchError::Timeout { secs: 1, .. }), "{e}");
            assert!(t0.elapsed() < Duration::from_secs(4));

            let e = f.get(&format!("{base}/loop/0"), &none).await.unwrap_err();
            assert!(
                matches!(e, FetchError::TooManyRedirects { limit: 3, .. }),
                "{e}"
            );
            match f.get(&format!("{base}/to-small"), &none).await.unwrap() {
                Fetched::Body {
                    final_url, body, ..
                } => {
                    assert!(final_url.ends_with("/small"));
                    assert_eq!(body, b"a short body");
                }
                other => panic!("{other:?}"),
            }

            let e = f.get(&format!("{base}/gone"), &none).await.unwrap_err();
            assert!(matches!(e, FetchError::Status { status: 404, .. }), "{e}");

            // ETag round trip.
            let first = f.get(&format!("{base}/etag"), &none).await.unwrap();
            let Fetched::Body { etag, .. } = first else {
                panic!()
            };
            assert_eq!(etag.as_deref(), Some("\"v1\""));
            let cond = Conditional {
                etag,
                last_modified: None,
            };
            assert_eq!(
                f.get(&format!("{base}/etag"), &cond).await.unwrap(),
                Fetched::NotModified
            );
            // Last-Modified round trip.
            let first = f.get(&format!("{base}/lastmod"), &none).await.unwrap();
            let Fetched::Body { last_modified, .. } = first else {
                panic!()
            };
            assert!(last_modified.is_some());
            let cond = Conditional {
                etag: None,
                last_modified,
            };
            assert_eq!(
                f.get(&format!("{base}/lastmod"), &cond).await.unwrap(),
                Fetched::NotModified
            );

            // Webhooks.
            let ok = serde_json::json!({"ok": true});
            assert_eq!(f.post_json(&format!("{base}/hook"), &ok).await, Ok(204));
            let bad = serde_json::json!({"ok": false});
            let e = f
                .post_json(&format!("{base}/hook"), &bad)
                .await
                .unwrap_err();
            assert!(matches!(e, FetchError::Status { status: 400, .. }), "{e}");
        });
    }

    #[test]
    fn private_addresses_are_refused_without_connecting() {
        let rt = rt();
        rt.block_on(async {
            let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let h = hits.clone();
            let app = app().route(
                "/count",
                get(move || {
                    let h = h.clone();
                    async move {
                        h.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        "counted"
                    }
                }),
            );
            let base = serve(app).await;
            let port = base.rsplit(':').next().unwrap().to_string();
            let guarded = fetcher(false);
            let none = Conditional::default();
            for url in [
                format!("http://127.0.0.1:{port}/count"),
                format!("http://localhost:{port}/count"),
                format!("http://[::1]:{port}/count"),
                format!("http://[::ffff:127.0.0.1]:{port}/count"),
                "http://10.1.2.3/count".to_string(),
                "http://169.254.169.254/latest/meta-data/".to_string(),
                "http://100.64.0.1/".to_string(),
                "http://192.168.1.1/".to_string(),
                "http://[fe80::1]/".to_string(),
                "http://[fd00::1]/".to_string(),
                "http://0.0.0.0/".to_string(),
            ] {
                let e = guarded.get(&url, &none).await.unwrap_err();
                assert!(matches!(e, FetchError::Private { .. }), "{url}: {e}");
                assert!(e.to_string().contains("--allow-private"), "{e}");
                let e = guarded
                    .post_json(&url, &serde_json::json!({"ok": true}))
                    .await
                    .unwrap_err();
                assert!(matches!(e, FetchError::Private { .. }), "{url}: {e}");
            }
            assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0);
            let e = guarded.get("file:///etc/passwd", &none).await.unwrap_err();
            assert!(matches!(e, FetchError::BadUrl { .. }), "{e}");

            // The same server, allowed.
            let open = fetcher(true);
            let got = open
                .get(&format!("http://127.0.0.1:{port}/count"), &none)
                .await
                .unwrap();
            assert_eq!(body(got), b"counted");
            assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);

            // Redirect hops are checked: the first hop is let through (as a public host would
            // be), the redirect to a private address is refused without being followed.
            for target in ["/to-private", "/to-count"] {
                let first = url::Url::parse(&format!("{base}{target}")).unwrap();
                let e = guarded.get_checked(first, target, &none).await.unwrap_err();
                assert!(matches!(e, FetchError::Private { .. }), "{target}: {e}");
            }
            assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);
        });
    }

    #[test]
    fn forbidden_ranges() {
        for bad in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.0.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.1",
            "198.51.100.1",
            "203.0.113.1",
            "::1",
            "::",
            "fc00::1",
            "fdff::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "64:ff9b::7f00:1",
        ] {
            assert!(is_forbidden_ip(bad.parse().unwrap()), "{bad}");
        }
        for good in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(!is_forbidden_ip(good.parse().unwrap()), "{good}");
        }
    }
}
