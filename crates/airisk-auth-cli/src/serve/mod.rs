//! `serve`: the AIRisk endpoints over HTTP (or HTTPS), on airisk-auth-axum.
//!
//! Routes: `GET /api/oauth2`, `POST /api/oauth2/Token`, `POST /api/oauth2/revoke`
//! (RFC 7009), `POST /api/oauth2/introspect` (RFC 7662), `GET /api/oauth2/jwks`
//! and `GET /.well-known/oauth-authorization-server` (RFC 8414; the issuer's, all
//! from airisk-auth-axum's `IssuerRouter`), two sample protected resources as in the AIRisk pages —
//! `GET /api/GetConversations` (user tokens only) and `GET /api/ListUsers`
//! (any token; also at `/api/Users/ListUsers`, the path one page uses) — and
//! `GET /healthz` (200, or 503 when the store cannot be reached).
//!
//! Built with the `serve` feature only (the server is most of the binary's
//! size); without it the command and its options still parse, so `--help`
//! shows them and a script meets one behaviour, and running it is a usage
//! error naming the feature. The arguments live here, outside the gate.

#[cfg(feature = "serve")]
mod net;
#[cfg(feature = "serve")]
mod server;

#[cfg(feature = "serve")]
pub(crate) use server::run;

use clap::{Args, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Without the `serve` feature: refuses at once (exit 2), naming the feature.
#[cfg(not(feature = "serve"))]
pub(crate) fn run(_args: &ServeArgs) -> Result<(), crate::Failure> {
    Err(crate::not_built("serve"))
}

pub(crate) const SERVE_HELP: &str = "\
Without --registry the server runs on an embedded demo registry whose secrets are public
(client abc123 / demo-secret-abc123-do-not-use-in-production, and the AIRisk pages'
YOUR_client_id / YOUR_client_secret; users user_42 and user_7), and without --keys on a
fresh HS256 key: tokens and codes die with the process. Every flag can also be set by the
environment variable shown. Logs go to stderr (AIRISK_LOG sets the filter, e.g. warn or
airisk_auth=debug); the first line on stdout says where the server listens.

Several instances behind one load balancer share --keys, --code-key and --store redis://….
A code key file: `head -c 32 /dev/urandom | basenc --base64url > code.key` (mode 0600).

The server is built with the `serve` feature and its Redis store with `redis`:
cargo install --path crates/airisk-auth-cli --features serve,redis

Examples:
  airisk-auth serve
  curl -i 'http://127.0.0.1:8080/api/oauth2?client_id=YOUR_client_id&redirect_uri=https%3A%2F%2Flocalhost%2Fcallback&state=xyz'
  airisk-auth serve --registry registry.json --keys keys.json --issuer https://api.airisk.example.com \\
      --store redis://127.0.0.1:6379/0 --code-key code.key --log-format json
  airisk-auth serve --bind 0.0.0.0:8443 --tls-cert cert.pem --tls-key key.pem";

/// How logs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per event.
    Json,
}

/// `serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The clients/users registry file (default: the embedded demo registry).
    #[arg(long, value_name = "FILE", env = "AIRISK_REGISTRY")]
    pub registry: Option<PathBuf>,
    /// The key set that signs tokens (default: a fresh HS256 key).
    #[arg(long, value_name = "FILE", env = "AIRISK_KEYS")]
    pub keys: Option<PathBuf>,
    /// A file holding the code key, base64url of at least 32 bytes (default: a fresh key).
    #[arg(long, value_name = "FILE", env = "AIRISK_CODE_KEY")]
    pub code_key: Option<PathBuf>,
    /// The issuer named in tokens (`iss`).
    #[arg(
        long,
        env = "AIRISK_ISSUER",
        default_value = "https://api.airisk.example.com"
    )]
    pub issuer: String,
    /// The address to listen on (port 0 picks a free one).
    #[arg(long, env = "AIRISK_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Where redeemed codes and revoked tokens are kept: `memory` or `redis://HOST:PORT/DB`.
    #[arg(long, env = "AIRISK_STORE", default_value = "memory")]
    pub store: String,
    /// Log format.
    #[arg(long, value_enum, env = "AIRISK_LOG_FORMAT", default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// PEM certificate chain: serve HTTPS (with --tls-key).
    #[arg(
        long,
        value_name = "FILE",
        env = "AIRISK_TLS_CERT",
        requires = "tls_key"
    )]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of the certificate.
    #[arg(
        long,
        value_name = "FILE",
        env = "AIRISK_TLS_KEY",
        requires = "tls_cert"
    )]
    pub tls_key: Option<PathBuf>,
    /// The most seconds a request may take: its head (then the connection is
    /// closed), and the whole request, body included (then 408). 1 to 300.
    #[arg(
        long,
        value_name = "SECONDS",
        env = "AIRISK_REQUEST_TIMEOUT",
        default_value_t = 10
    )]
    pub request_timeout: u64,
    /// Ask the user on a plain consent page (approve / deny, posted to
    /// /api/oauth2/decide) instead of approving every valid request at once.
    #[arg(long, env = "AIRISK_CONSENT_PAGE")]
    pub consent_page: bool,
}
