//! A workaround for a lost wake-up in tiny_http 0.12's connection pool.
//!
//! tiny_http runs every accepted connection as a task on its own pool. When
//! two connections arrive together and one pool thread is idle, both see the
//! idle thread (its count drops only once it wakes), both tasks are queued,
//! and one notification wakes one thread: the second task stays queued until
//! some pool thread finishes a task, i.e. until some other keep-alive
//! connection closes, which a browser may not do for minutes. The symptom
//! is a stylesheet or script that never loads on a page opened right after
//! another was closed (seen under load in the live-reload browser test,
//! diagnosed with the server's thread stacks: every pool thread busy, the
//! request unread in the socket's receive queue).
//!
//! Every accepted connection wakes or starts a pool thread that takes the
//! oldest queued task first, so a short-lived connection to ourselves now
//! and then frees a stranded one within one period. The cost is one
//! loopback connect per period, closed at once without a request.

use std::net::{SocketAddr, TcpStream};
use std::sync::Weak;
use std::time::Duration;

use tiny_http::Server;

/// How long a stranded connection can wait at most.
const PERIOD: Duration = Duration::from_millis(200);

/// Nudge the pool of the server at `addr` every [`PERIOD`] for as long as
/// the server exists.
pub(super) fn spawn(server: Weak<Server>, addr: SocketAddr) {
    let mut target = addr;
    // A server bound to all interfaces is reached on loopback.
    if target.ip().is_unspecified() {
        target.set_ip(if addr.is_ipv4() {
            std::net::Ipv4Addr::LOCALHOST.into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        });
    }
    let _ = std::thread::Builder::new()
        .name("handbook-nudge".into())
        .spawn(move || {
            while server.strong_count() > 0 {
                std::thread::sleep(PERIOD);
                let _ = TcpStream::connect_timeout(&target, PERIOD);
            }
        });
}
