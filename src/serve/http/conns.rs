//! The open connections: admitted up to [`MAX_CONNECTIONS`], each served
//! by hyper with a head deadline and a write deadline, and closed when the
//! server stops or a newer connection needs its place.

use std::collections::BTreeMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Notify;

use super::{HEAD_TIMEOUT, MAX_CONNECTIONS, WRITE_TIMEOUT};
use crate::serve::Shared;

/// One open connection, as the table sees it.
struct Conn {
    /// Between requests: waiting for a head (a slow client's, or an idle
    /// keep-alive connection's), so it may be closed to make room.
    idle: Arc<AtomicBool>,
    close: Arc<Notify>,
}

/// Open connections by admission order (oldest first).
#[derive(Default)]
pub(super) struct Conns {
    table: Mutex<BTreeMap<u64, Conn>>,
    next: AtomicU64,
}

impl Conns {
    pub(super) fn len(&self) -> usize {
        self.table.lock().map(|t| t.len()).unwrap_or(0)
    }

    /// Close the oldest connection that waits for a request; whether one did.
    pub(super) fn evict_idle(&self) -> bool {
        let Ok(mut table) = self.table.lock() else {
            return false;
        };
        let oldest = table
            .iter()
            .find(|(_, c)| c.idle.load(Ordering::SeqCst))
            .map(|(&id, _)| id);
        match oldest.and_then(|id| table.remove(&id)) {
            Some(c) => {
                c.close.notify_one();
                true
            }
            None => false,
        }
    }

    pub(super) fn close_all(&self) {
        if let Ok(mut table) = self.table.lock() {
            for (_, c) in std::mem::take(&mut *table) {
                c.close.notify_one();
            }
        }
    }

    /// Register a connection, making room if needed; `None` when every
    /// connection is busy.
    fn register(&self) -> Option<(u64, Arc<AtomicBool>, Arc<Notify>)> {
        if self.len() >= MAX_CONNECTIONS && !self.evict_idle() {
            return None;
        }
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        let idle = Arc::new(AtomicBool::new(true));
        let close = Arc::new(Notify::new());
        let conn = Conn {
            idle: idle.clone(),
            close: close.clone(),
        };
        self.table.lock().ok()?.insert(id, conn);
        Some((id, idle, close))
    }

    fn remove(&self, id: u64) {
        if let Ok(mut t) = self.table.lock() {
            t.remove(&id);
        }
    }
}

/// Serve `stream` on a task of its own, or refuse it when full.
pub(super) fn admit(stream: TcpStream, shared: &Arc<Shared>, conns: &Arc<Conns>) {
    let _ = stream.set_nodelay(true);
    let Some((id, idle, close)) = conns.register() else {
        tokio::spawn(refuse(stream));
        return;
    };
    let shared = shared.clone();
    let conns = conns.clone();
    tokio::spawn(async move {
        let io = TokioIo::new(Deadlined::new(stream));
        let service = hyper::service::service_fn(move |req| {
            let shared = shared.clone();
            let busy = Busy::new(idle.clone());
            async move {
                let answer = super::serve(shared, req).await;
                drop(busy);
                answer
            }
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEAD_TIMEOUT)
            .max_buf_size(64 * 1024)
            .serve_connection(io, service);
        tokio::select! {
            _ = conn => {}
            _ = close.notified() => {}
        }
        conns.remove(id);
    });
}

/// Answer 503 and close, without reading the request.
async fn refuse(mut stream: TcpStream) {
    use tokio::io::AsyncWriteExt;
    let answer = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\nRetry-After: 1\r\n\r\n";
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(answer)).await;
}

/// Marks a connection busy while one of its requests is being answered.
struct Busy(Arc<AtomicBool>);

impl Busy {
    fn new(idle: Arc<AtomicBool>) -> Self {
        idle.store(false, Ordering::SeqCst);
        Busy(idle)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// A TCP stream whose writes fail with `TimedOut` after [`WRITE_TIMEOUT`]
/// without progress (a client that stops reading).
struct Deadlined {
    inner: TcpStream,
    stalled: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Deadlined {
    fn new(inner: TcpStream) -> Self {
        Self {
            inner,
            stalled: None,
        }
    }

    /// After a write returned `Pending`: fail once the deadline passes.
    fn check_deadline(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Error> {
        let sleep = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(WRITE_TIMEOUT)));
        ready!(sleep.as_mut().poll(cx));
        Poll::Ready(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "the client read nothing for too long",
        ))
    }

    fn written<T>(
        &mut self,
        cx: &mut Context<'_>,
        p: Poll<std::io::Result<T>>,
    ) -> Poll<std::io::Result<T>> {
        match p {
            Poll::Ready(r) => {
                self.stalled = None;
                Poll::Ready(r)
            }
            Poll::Pending => self.check_deadline(cx).map(Err),
        }
    }
}

impl AsyncRead for Deadlined {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Deadlined {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let p = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.written(cx, p)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let p = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.written(cx, p)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let p = Pin::new(&mut self.inner).poll_flush(cx);
        self.written(cx, p)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
