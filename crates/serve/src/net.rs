//! The accept loop: HTTP/1.1 connections with timeouts and a connection cap that sheds idle
//! connections first.
//!
//! Why not `axum::serve`: it has no header-read or keep-alive timeout and no connection cap,
//! so silent, half-sent and idle keep-alive sockets were held for as long as the client
//! liked, and ~20,000 of them used up the descriptor limit (the index sync and `/healthz`
//! then failed with "Too many open files"). Here:
//! * **header read timeout** (hyper's `header_read_timeout`): the whole request head must
//!   arrive within it. hyper restarts that timer whenever a kept-alive connection waits for
//!   its next request, so the same bound is the idle keep-alive timeout;
//! * **request timeout**: a middleware ([`crate::protect`]) answers 503 when a handler runs
//!   longer;
//! * **connection cap**: at most `max_connections` sockets. At the cap, a new connection
//!   closes the longest-open *idle* one (no request in progress: a kept-alive socket, a
//!   half-sent head, a silent client) and takes its place. Refusing new connections instead
//!   would lock out exactly the health checks and readers we want to keep, while a flood of
//!   idle sockets costs the flooder its slots first. Only when every connection is busy
//!   does the new one wait (briefly) and then get closed.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};

/// Limits of the connection layer.
#[derive(Debug, Clone, Copy)]
pub struct ConnLimits {
    pub header_read_timeout: Duration,
    pub max_connections: usize,
}

/// How long a new connection waits for a slot when every connection is busy.
const SLOT_WAIT: Duration = Duration::from_secs(2);
/// How long a stop waits for requests in progress.
const DRAIN: Duration = Duration::from_secs(10);
/// Largest request head accepted (a GET with cookies is under 8 KiB).
const MAX_HEAD: usize = 64 * 1024;
/// Connections the kernel may queue before we accept them (it caps this at
/// `net.core.somaxconn`, 4,096 by default). tokio listens with 1,024: under a flood of
/// connects that queue filled, the kernel dropped new SYNs, and a health check got through
/// only on its SYN retransmit one second later (the hostile bench's probes at 1.02–1.04 s).
const LISTEN_BACKLOG: i32 = 4_096;

/// One open connection, as the cap sees it.
struct Conn {
    /// Requests in progress (handler not yet answered).
    busy: AtomicUsize,
    /// Closes the connection now.
    kill: Notify,
}

/// Open connections in accept order (oldest first), for shedding.
#[derive(Default)]
struct Table {
    next: u64,
    open: BTreeMap<u64, Arc<Conn>>,
}

impl Table {
    fn add(&mut self) -> (u64, Arc<Conn>) {
        let id = self.next;
        self.next += 1;
        let c = Arc::new(Conn {
            busy: AtomicUsize::new(0),
            kill: Notify::new(),
        });
        self.open.insert(id, c.clone());
        (id, c)
    }

    /// Closes the longest-open idle connection; false when all are busy.
    fn shed_one(&mut self) -> bool {
        let victim = self
            .open
            .iter()
            .find(|(_, c)| c.busy.load(Ordering::Acquire) == 0)
            .map(|(id, _)| *id);
        match victim.and_then(|id| self.open.remove(&id)) {
            Some(c) => {
                // `notify_one` keeps the wake-up if the task is not waiting yet.
                c.kill.notify_one();
                true
            }
            None => false,
        }
    }
}

/// Marks a connection busy while a request is being answered (also if the request's
/// future is dropped).
struct Busy(Arc<Conn>);

impl Busy {
    fn new(c: &Arc<Conn>) -> Busy {
        c.busy.fetch_add(1, Ordering::AcqRel);
        Busy(c.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Accepts connections on `listener` and serves `router` on them until `shutdown`
/// resolves; then stops accepting and lets requests in progress finish (up to [`DRAIN`]).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnLimits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Listening again on a listening socket only changes its backlog (Linux); where that
    // fails, the smaller queue is still correct.
    if let Err(e) = socket2::SockRef::from(&listener).listen(LISTEN_BACKLOG) {
        tracing::debug!(error = %e, "listen backlog unchanged");
    }
    let max = limits.max_connections.max(1);
    let slots = Arc::new(Semaphore::new(max));
    let table = Arc::new(Mutex::new(Table::default()));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(MAX_HEAD)
        .keep_alive(true);
    let builder = Arc::new(builder);
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            _ = &mut shutdown => break,
            r = listener.accept() => match r {
                Ok((s, _)) => s,
                Err(e) => {
                    // Out of descriptors or a connection reset before accept: back off
                    // instead of spinning (the error is per connection, not fatal).
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let permit = match slots.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                let shed = table.lock().map(|mut t| t.shed_one()).unwrap_or(false);
                if !shed {
                    tracing::warn!("all {max} connections busy: waiting for a slot");
                }
                match tokio::time::timeout(SLOT_WAIT, slots.clone().acquire_owned()).await {
                    Ok(Ok(p)) => p,
                    // Every connection stayed busy: close this one.
                    _ => continue,
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let Ok((id, conn)) = table.lock().map(|mut t| t.add()) else {
            continue;
        };
        let svc = {
            let router = router.clone();
            let conn = conn.clone();
            hyper::service::service_fn(move |req: axum::http::Request<hyper::body::Incoming>| {
                let busy = Busy::new(&conn);
                let fut = tower::ServiceExt::oneshot(router.clone(), req);
                async move {
                    let r = fut.await;
                    drop(busy);
                    r
                }
            })
        };
        let builder = builder.clone();
        let table = table.clone();
        let mut stop = stop_rx.clone();
        let first_bytes = limits.header_read_timeout;
        tokio::spawn(async move {
            // hyper gets the socket only once the client has sent a byte: a connection
            // handed to hyper allocates its state and read buffer at once (~12 KB), and the
            // 20,000 silent sockets of a flood cost ~250 MB that way (heaptrack); waiting
            // here costs the task alone. `peek`, not `readable`, which may wake without
            // data. (A client may so take up to twice the header timeout for its first
            // head.)
            let mut byte = [0u8; 1];
            let spoke = tokio::select! {
                r = tokio::time::timeout(first_bytes, stream.peek(&mut byte)) => matches!(r, Ok(Ok(n)) if n > 0),
                _ = conn.kill.notified() => false,
                _ = stop.changed() => false,
            };
            if spoke {
                // Boxed: the task stays small while it waits above.
                let mut served = Box::pin(builder.serve_connection(TokioIo::new(stream), svc));
                let mut stopping = false;
                loop {
                    tokio::select! {
                        r = served.as_mut() => {
                            if let Err(e) = r {
                                tracing::debug!(error = %e, "connection ended");
                            }
                            break;
                        }
                        _ = conn.kill.notified() => break,
                        _ = stop.changed(), if !stopping => {
                            stopping = true;
                            served.as_mut().graceful_shutdown();
                        }
                    }
                }
            }
            if let Ok(mut t) = table.lock() {
                t.open.remove(&id);
            }
            drop(permit);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Every slot free again means every connection has closed.
    let all = u32::try_from(max).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(DRAIN, slots.acquire_many(all)).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheds_the_oldest_idle_connection_never_a_busy_one() {
        let mut t = Table::default();
        let (_, a) = t.add();
        let (b_id, b) = t.add();
        let (c_id, _c) = t.add();
        let _working = Busy::new(&a);
        assert!(t.shed_one());
        assert!(!t.open.contains_key(&b_id), "b was the oldest idle one");
        assert!(t.open.contains_key(&c_id));
        // Its task is told to close.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let woke = rt.block_on(async {
            tokio::time::timeout(Duration::from_secs(5), b.kill.notified())
                .await
                .is_ok()
        });
        assert!(woke);
        assert!(t.shed_one());
        // Only the busy one is left.
        assert!(!t.shed_one());
        assert_eq!(t.open.len(), 1);
    }
}
