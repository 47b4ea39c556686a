//! Middleware on every answer: browser security headers and the whole-request timeout.

use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderName, HeaderValue, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// The portal has no script, no inline style, no frames, no plugins and no third-party
/// resources but one: everything but our own stylesheet, the empty `data:` favicon and
/// images is refused, forms only go back to us, and no other site may frame us. An
/// article's lead image stays on its publisher's server (we do not copy or proxy it), so
/// `img-src` allows remote images over https; an image can run no code, the page sends
/// it no referrer (`referrerpolicy="no-referrer"`) and loads it lazily.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data: https:; \
                       form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Adds the security headers to every answer, errors and static files included.
pub async fn security_headers(req: Request<Body>, next: Next) -> Response {
    let mut r = next.run(req).await;
    add_security_headers(&mut r);
    r
}

pub fn add_security_headers(r: &mut Response) {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    // For browsers older than `frame-ancestors`.
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Links to originals tell the site where the reader came from (our origin), not which
    // of our pages or searches.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
}

/// Answers 503 when a handler takes longer than the configured request timeout (its work
/// is dropped with it).
pub async fn request_timeout(
    State(app): State<AppState>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let limit: Duration = app.cfg.request_timeout;
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => {
            tracing::warn!(seconds = limit.as_secs_f64(), "request timed out");
            let mut r = (
                StatusCode::SERVICE_UNAVAILABLE,
                "the server is busy, try again\n",
            )
                .into_response();
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            r
        }
    }
}
