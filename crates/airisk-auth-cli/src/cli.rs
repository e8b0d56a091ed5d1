//! The command line: every subcommand, its flags, and its help text.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The exit statuses, shown at the end of the top-level help.
pub(crate) const EXIT_CODES_HELP: &str = "\
Exit status:
  0  success (for `verify`: the token is valid)
  1  refused: the token is invalid (`verify`, `inspect`), the registry file is
     invalid (`registry check`), or the demo saw an undocumented behaviour
  2  usage error: bad arguments, or an unusable key file, claims file or setting
  3  I/O error: a file or stdin could not be read or written, or a key file
     would be overwritten without --force

Errors go to stderr. With --json, every outcome is also one JSON object on
stdout, failures included: {\"ok\":false,\"error\":{\"kind\",\"exit_code\",\"message\"}}
(`verify` and `registry check` give their own report for a refusal). Output is
colored only when stdout is a terminal and NO_COLOR is unset.

Options are spelled the same in every subcommand (--issuer, --audience, --keys).";

const TOP_EXAMPLES: &str = "\
Examples:
  airisk-auth demo                                  walk the AIRisk OAuth2 flow in-process
  airisk-auth serve                                 serve the endpoints on 127.0.0.1:8080
  airisk-auth keygen --alg eddsa --out keys.json    make a signing key (file mode 0600)
  airisk-auth jwks --keys keys.json > jwks.json     publish the public keys
  airisk-auth mint --keys keys.json --issuer https://api.airisk.example.com --client-id abc123
  airisk-auth verify --keys keys.json --issuer https://api.airisk.example.com \"$TOKEN\"
  airisk-auth inspect \"$TOKEN\"                      decode without verifying (UNVERIFIED)
  airisk-auth registry check registry.json";

/// `airisk-auth`: keys, tokens, registry checks and a walk-through of the AIRisk OAuth2 flow.
#[derive(Debug, Parser)]
#[command(
    name = "airisk-auth",
    version,
    about = "Keys, access tokens, registry checks and the AIRisk OAuth2 flow demo",
    long_about = "Keys, access tokens, registry checks and the AIRisk OAuth2 flow demo.\n\n\
                  Everything is done by the airisk-auth core library, offline: no command \
                  makes a network request.",
    after_help = format!("{TOP_EXAMPLES}\n\n{EXIT_CODES_HELP}"),
    propagate_version = true
)]
pub(crate) struct Cli {
    /// Print machine-readable JSON on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Generate an HS256 secret or an Ed25519 key pair into a key file (mode 0600).
    #[command(after_help = KEYGEN_HELP)]
    Keygen(KeygenArgs),
    /// Print the public keys of a key file as a JWKS document, for publishing.
    #[command(after_help = JWKS_HELP)]
    Jwks(JwksArgs),
    /// Sign an access token with the active key of a key file.
    #[command(after_help = MINT_HELP)]
    Mint(MintArgs),
    /// Verify a token strictly: exit 0 and print its claims, or exit 1 and say why.
    #[command(after_help = VERIFY_HELP)]
    Verify(VerifyArgs),
    /// Decode a token WITHOUT verifying it (for debugging; nothing shown is trustworthy).
    #[command(after_help = INSPECT_HELP)]
    Inspect(InspectArgs),
    /// Check a clients/users registry file.
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// Print a shell completion script.
    #[command(after_help = COMPLETIONS_HELP)]
    Completions(CompletionsArgs),
    /// Walk the AIRisk OAuth2 flow in-process and check every answer against the docs.
    #[command(after_help = DEMO_HELP)]
    Demo(DemoArgs),
    /// Serve the AIRisk endpoints over HTTP(S): authorize, token, JWKS, sample protected routes.
    #[command(after_help = crate::serve::SERVE_HELP)]
    Serve(crate::serve::ServeArgs),
    /// Revoke a grant (a user's consent to a client, or the client's generic grant) in a shared store.
    #[command(after_help = REVOKE_GRANT_HELP)]
    RevokeGrant(RevokeGrantArgs),
}

const REVOKE_GRANT_HELP: &str = "\
Every access token, refresh token and authorization code of the grant issued up to this
second is refused from now on by every server sharing the store (`serve --store` with the
same URL, and Rust, C and Python services on it); a new consent issues tokens that work
again. Exit status: 0 revoked, 1 the store could not record it (nothing was revoked),
2 usage error.

Examples:
  airisk-auth revoke-grant --store redis://127.0.0.1:6379/0 --client-id abc123 --userid user_42
  airisk-auth revoke-grant --store rediss://redis.internal:6380/0 --client-id abc123    the generic grant";

/// `revoke-grant`.
#[derive(Debug, Args)]
pub(crate) struct RevokeGrantArgs {
    /// The shared store: `redis://HOST:PORT/DB` or `rediss://…`.
    #[arg(long, env = "AIRISK_STORE")]
    pub store: String,
    /// The client the grant was given to.
    #[arg(long)]
    pub client_id: String,
    /// The user who gave it (default: the client's generic grant).
    #[arg(long, value_name = "USERID")]
    pub userid: Option<String>,
}

const KEYGEN_HELP: &str = "\
The key file is a key set ({\"keys\":[JWK…],\"active_kid\":…}), the form the library's
KeySet::from_json reads. It holds secrets: it is created with mode 0600 and its content
is never printed unless --print is given.

Rotation without downtime: `keygen --append` adds a new key to an existing file and makes
it the signing key; the old key keeps verifying until you remove it from the file.

Examples:
  airisk-auth keygen --out keys.json                  HS256 secret (the AIRisk docs' algorithm)
  airisk-auth keygen --alg eddsa --kid 2026-11 --out keys.json
  airisk-auth keygen --alg eddsa --kid 2026-12 --out keys.json --append
  airisk-auth keygen --print                          print a new key set (contains a secret)";

const JWKS_HELP: &str = "\
Only Ed25519 public keys are listed: HS256 secrets are never published. A key file
with no Ed25519 key is a usage error (exit 2).

Examples:
  airisk-auth jwks --keys keys.json > jwks.json
  airisk-auth verify --keys jwks.json --issuer https://api.airisk.example.com \"$TOKEN\"";

const MINT_HELP: &str = "\
Claims come from flags, from a JSON file (--claims), or both (flags win). The file
holds any of: iss, sub, aud (string or array), client_id, user_token, company_id,
iat, nbf, exp, jti. iat defaults to now, exp to iat + --ttl, jti to a random id;
--userid makes a user-specific token (sub = the userid, user_token = true).
A token that `verify --issuer ISS [--audience AUD]` (its own issuer and first
audience) would refuse now (or at --now) is not minted unless --allow-incomplete is
given (exit 2): a missing claim (no --client-id, say), an expiry already past, an
iat or nbf in the future. Nor is one living longer than an issuer's longest token
(86400 seconds). With --json the refusal is {\"ok\":false,\"error\":{\"kind\":\"usage\",
\"exit_code\":2,\"message\",\"name\",\"code\",\"claim\"}}.

Examples:
  airisk-auth mint --keys keys.json --issuer https://api.airisk.example.com --client-id abc123
  airisk-auth mint --keys keys.json --issuer https://api.airisk.example.com --client-id abc123 \\
      --userid user_42 --company acme --ttl 600
  airisk-auth mint --keys keys.json --claims claims.json --json
  airisk-auth mint --keys keys.json --issuer https://api.airisk.example.com --client-id abc123 \\
      --now 1743423137                                 as of a pinned time";

const VERIFY_HELP: &str = "\
The token is read from the argument, or from stdin when the argument is absent or `-`.
Either may be the bare token, `Bearer <token>`, or a whole `Authorization: Bearer <token>`
line copied from a log. On success the claims are printed as JSON on stdout (exit 0);
on failure the reason (the library's error name and message) goes to stderr (exit 1).
With --json, stdout gets {\"valid\":true,\"claims\":…} or
{\"valid\":false,\"error\":{\"name\",\"code\",\"message\"}}.

Exit status: 0 valid, 1 refused, 2 usage error (bad flag, unusable key file), 3 I/O error.

Examples:
  airisk-auth verify --keys keys.json --issuer https://api.airisk.example.com \"$TOKEN\"
  echo \"Authorization: Bearer $TOKEN\" | airisk-auth verify --keys jwks.json \\
      --issuer https://api.airisk.example.com --require-user
  airisk-auth verify --keys keys.json --issuer https://api.airisk.example.com \\
      --now 1743426737 --leeway 0 \"$TOKEN\"        verify as of a pinned time";

const INSPECT_HELP: &str = "\
Prints the header and claims of a token without checking its signature, expiry or
issuer. The output is marked UNVERIFIED: use `verify` to decide anything.

Examples:
  airisk-auth inspect \"$TOKEN\"
  echo \"Authorization: Bearer $TOKEN\" | airisk-auth inspect --json";

const REGISTRY_CHECK_HELP: &str = "\
The file is the registry JSON the library's MemoryRegistry::from_json loads:
{\"clients\":[{\"client_id\",\"client_secret\" | \"client_secret_sha256\",\"redirect_uri\",
\"public\"?}], \"users\":[{\"userid\",\"company_id\"?}]}. On error the position is shown as
FILE:LINE:COLUMN with the offending line and a caret (exit 1).

Examples:
  airisk-auth registry check registry.json
  airisk-auth registry check --json registry.json";

const COMPLETIONS_HELP: &str = "\
Examples:
  airisk-auth completions bash > /etc/bash_completion.d/airisk-auth
  airisk-auth completions zsh > \"${fpath[1]}/_airisk-auth\"
  airisk-auth completions fish > ~/.config/fish/completions/airisk-auth.fish";

const DEMO_HELP: &str = "\
Runs, in-process and offline, on an embedded registry (client abc123 with redirect URIs
https://localhost/callback and https://app.example/cb, a public client demo-spa, demo-app
with refresh tokens, demo-resource-server that may introspect; users user_42 of company
acme, and user_7) and freshly generated keys:
  1. GET /api/oauth2 (generic)           -> 302 with a code and the state
  2. POST /api/oauth2/Token (form body)  -> 200 with the access token
  3. GET protected resources             -> 200 for any token, 403 for a user-only one
  4. the same with userid=user_42 (JSON) -> a user token that the user-only resource accepts
  5. the first code replayed             -> 400 Invalid Code, and its token now refused (401)
  6. documented errors                   -> 400 Invalid client_id, 401 problem+json
  7-10. what OAuth clients do             -> HTTP Basic, a public client with PKCE, a denial,
                                            scopes and a custom claim
  11. refresh (client demo-app)          -> a new pair; the old refresh token again: 400
                                            invalid_grant, and the family's tokens refused
  12. introspection and revocation       -> active, then 200 empty, then {\"active\":false}
  13. Issuer::revoke_grant               -> the grant's tokens refused; a new consent works
  14. metadata and JWKS                  -> RFC 8414 document; the public key, never a secret
Every answer is checked against the AIRisk documentation; the exit status is 0 only
if every check passed. The clock is pinned so that the first token expires at
2025-03-31T13:12:17Z, the expiration of the AIRisk docs' example.

Examples:
  airisk-auth demo
  airisk-auth demo --alg eddsa
  airisk-auth demo --json | jq '.steps[].exchanges[].checks[] | select(.ok | not)'";

/// Key algorithms `keygen` and `demo` can generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum KeyAlg {
    /// HMAC-SHA256 with a random 32-byte secret (shared secret: sign and verify).
    Hs256,
    /// Ed25519: a key pair whose public half can be published.
    Eddsa,
}

/// `keygen`.
#[derive(Debug, Args)]
pub(crate) struct KeygenArgs {
    /// The algorithm of the new key.
    #[arg(long, value_enum, default_value_t = KeyAlg::Hs256)]
    pub alg: KeyAlg,
    /// The key id (default: today's date and a random suffix, e.g. 2026-05-01-3fa2).
    #[arg(long)]
    pub kid: Option<String>,
    /// The key file to write (created with mode 0600).
    #[arg(short, long, value_name = "FILE", required_unless_present = "print")]
    pub out: Option<PathBuf>,
    /// Replace FILE if it exists.
    #[arg(long, requires = "out", conflicts_with = "append")]
    pub force: bool,
    /// Add the key to the existing key set in FILE and make it the signing key.
    #[arg(long, requires = "out")]
    pub append: bool,
    /// Print the new key set, secret included, on stdout instead of writing a file.
    #[arg(long, visible_alias = "stdout", conflicts_with = "out")]
    pub print: bool,
}

/// `jwks`.
#[derive(Debug, Args)]
pub(crate) struct JwksArgs {
    /// The key file (a key set, as `keygen` writes it).
    #[arg(long, value_name = "FILE")]
    pub keys: PathBuf,
}

/// `mint`.
#[derive(Debug, Args)]
pub(crate) struct MintArgs {
    /// The key file whose active key signs.
    #[arg(long, value_name = "FILE")]
    pub keys: PathBuf,
    /// A JSON file of claims (flags override its members).
    #[arg(long, value_name = "FILE")]
    pub claims: Option<PathBuf>,
    /// `iss`: the issuer (the old spelling `--iss` is still accepted).
    #[arg(long, alias = "iss")]
    pub issuer: Option<String>,
    /// `client_id` (and `sub` of a generic token).
    #[arg(long)]
    pub client_id: Option<String>,
    /// Make a user-specific token for this userid (`sub`, `user_token: true`;
    /// `--user` is still accepted).
    #[arg(long = "userid", alias = "user", value_name = "USERID")]
    pub user: Option<String>,
    /// `company_id`: the user's company.
    #[arg(long)]
    pub company: Option<String>,
    /// `aud`: an audience (repeat for several; `--aud` is still accepted).
    #[arg(long, alias = "aud", value_name = "AUDIENCE")]
    pub audience: Vec<String>,
    /// `iat`, Unix seconds (default: now).
    #[arg(long)]
    pub iat: Option<u64>,
    /// `nbf`, Unix seconds.
    #[arg(long)]
    pub nbf: Option<u64>,
    /// `exp`, Unix seconds (default: iat + --ttl).
    #[arg(long, conflicts_with = "ttl")]
    pub exp: Option<u64>,
    /// Lifetime in seconds when `exp` is not given.
    #[arg(long, default_value_t = airisk_auth::flow::DEFAULT_TOKEN_TTL)]
    pub ttl: u64,
    /// `jti` (default: 128 random bits, hex).
    #[arg(long)]
    pub jti: Option<String>,
    /// Mint as of this time (Unix seconds) instead of now: `iat` defaults to
    /// it, and the token is checked as `verify --now` would check it.
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub now: Option<u64>,
    /// Mint even a token that `verify` would refuse (a missing claim, an expiry
    /// already past, an `iat` in the future) or that lives longer than an
    /// issuer's longest token (86400 seconds): for testing refusals.
    #[arg(long)]
    pub allow_incomplete: bool,
}

/// `verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// The key file or JWKS to verify with.
    #[arg(long, value_name = "FILE")]
    pub keys: PathBuf,
    /// The issuer the token must name (`iss`; `--iss` is accepted too).
    #[arg(long, alias = "iss")]
    pub issuer: String,
    /// The audience the token must name (`aud`; `--aud` is accepted too); without
    /// it, a token with `aud` is refused.
    #[arg(long, alias = "aud")]
    pub audience: Option<String>,
    /// Clock-skew allowance in seconds (default 30, at most 300).
    #[arg(long)]
    pub leeway: Option<u64>,
    /// Accept only user-specific tokens.
    #[arg(long)]
    pub require_user: bool,
    /// Verify as of this time (Unix seconds) instead of now.
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub now: Option<u64>,
    /// The token, `Bearer <token>` or `Authorization: Bearer <token>` (default: stdin).
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
}

/// `inspect`.
#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// The token, `Bearer <token>` or `Authorization: Bearer <token>` (default: stdin).
    #[arg(value_name = "TOKEN")]
    pub token: Option<String>,
}

/// `registry …`.
#[derive(Debug, Subcommand)]
pub(crate) enum RegistryCommand {
    /// Validate a clients/users registry file and say what is wrong, with line context.
    #[command(after_help = REGISTRY_CHECK_HELP)]
    Check(RegistryCheckArgs),
}

/// `registry check`.
#[derive(Debug, Args)]
pub(crate) struct RegistryCheckArgs {
    /// The registry JSON file (`-` for stdin).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// `completions`.
#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// The algorithm of the freshly generated signing key.
    #[arg(long, value_enum, default_value_t = KeyAlg::Hs256)]
    pub alg: KeyAlg,
}
