//! The network side of `serve`: logs, the accept loop (HTTP/1.1, optionally
//! over rustls), per-connection limits, and graceful shutdown.
//!
//! # Decisions
//! - HTTP/1.1 only: the endpoints are simple request/response exchanges and a
//!   proxy in front can speak HTTP/2 to clients.
//! - A client has `--request-timeout` to send its request head (a slow
//!   header stream is cut off), at most [`MAX_HEAD_LEN`] bytes of it (then 431)
//!   and hyper's 100 headers; the body is bounded by the routes (413 before
//!   reading) and the whole request by `--request-timeout` (408).
//! - A TLS handshake must finish within `--request-timeout` too.
//! - At most [`MAX_CONNECTIONS`] connections are served at once; further ones
//!   wait in the kernel's accept queue, so a flood of idle connections cannot
//!   exhaust the process's file descriptors.
//! - On SIGTERM or Ctrl-C the listener closes at once, requests in flight are
//!   finished (idle keep-alive connections are closed), and after
//!   [`SHUTDOWN_GRACE`] whatever is left is dropped.

use super::LogFormat;
use crate::Failure;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_rustls::rustls;
use tokio_rustls::TlsAcceptor;

/// The largest request head (request line and headers) read, in bytes.
pub(super) const MAX_HEAD_LEN: usize = 64 * 1024;
/// The most connections served at once.
pub(super) const MAX_CONNECTIONS: usize = 4096;
/// How long requests in flight may still run after a shutdown signal.
pub(super) const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Logs to stderr, filtered by `AIRISK_LOG` (default `info`).
pub(super) fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("AIRISK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (tests) keeps the first subscriber.
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
            .try_init(),
    };
}

/// A TLS acceptor made from PEM files.
#[derive(Clone)]
pub(super) struct Tls(TlsAcceptor);

impl Tls {
    /// Loads the certificate chain and its private key.
    pub(super) fn load(cert: &Path, key: &Path) -> Result<Self, Failure> {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let bad = |path: &Path, e: &dyn std::fmt::Display| {
            Failure::Usage(format!("{}: {e}", path.display()))
        };
        let certs = CertificateDer::pem_file_iter(cert)
            .and_then(Iterator::collect::<Result<Vec<_>, _>>)
            .map_err(|e| bad(cert, &e))?;
        if certs.is_empty() {
            return Err(bad(cert, &"no certificate in the file"));
        }
        let private_key = PrivateKeyDer::from_pem_file(key).map_err(|e| bad(key, &e))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Failure::Usage(format!("TLS: {e}")))?
            .with_no_client_auth()
            .with_single_cert(certs, private_key)
            .map_err(|e| Failure::Usage(format!("TLS: {e}")))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls(TlsAcceptor::from(Arc::new(config))))
    }
}

/// Serves `app` on `bind` until a shutdown signal, then drains.
pub(super) async fn serve(
    bind: SocketAddr,
    app: Router,
    tls: Option<Tls>,
    timeout: Duration,
) -> Result<(), Failure> {
    let listener = TcpListener::bind(bind)
        .await
        .map_err(|e| Failure::Io(format!("cannot listen on {bind}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| Failure::Io(format!("cannot listen on {bind}: {e}")))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    // The one line on stdout: scripts read the port from it.
    crate::commands::emit(&format!("listening on {scheme}://{local}\n"))?;
    tracing::info!(address = %local, scheme, "listening");

    let graceful = GracefulShutdown::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        let accepted = tokio::select! {
            accepted = async {
                let slot = slots.clone().acquire_owned().await;
                (slot, listener.accept().await)
            } => accepted,
            () = &mut shutdown => break,
        };
        let (Ok(slot), accepted) = accepted else {
            break; // the semaphore is never closed
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(e) => {
                // Out of file descriptors and the like: wait instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let watcher = graceful.watcher();
        let tls = tls.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let builder = connection_builder(timeout);
            let result = match tls {
                None => {
                    let conn = builder.serve_connection(TokioIo::new(stream), service);
                    watcher.watch(conn).await
                }
                Some(Tls(acceptor)) => {
                    let handshake = tokio::time::timeout(timeout, acceptor.accept(stream)).await;
                    let Ok(Ok(stream)) = handshake else {
                        tracing::debug!("TLS handshake failed or timed out");
                        return;
                    };
                    let conn = builder.serve_connection(TokioIo::new(stream), service);
                    watcher.watch(conn).await
                }
            };
            if let Err(e) = result {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tracing::info!(
        connections = graceful.count(),
        "shutting down: finishing requests in flight"
    );
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("stopped"),
        () = tokio::time::sleep(SHUTDOWN_GRACE) => tracing::warn!("stopped with requests still running"),
    }
    Ok(())
}

fn connection_builder(timeout: Duration) -> hyper::server::conn::http1::Builder {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(timeout)
        .max_buf_size(MAX_HEAD_LEN);
    builder
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal received");
}
