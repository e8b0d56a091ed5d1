//! The walk's second half (issue 14): what standard OAuth clients do beyond
//! the AIRisk pages — Basic client authentication, a public client with PKCE,
//! a user's denial, a scoped token refused with 403, a custom claim read back.

use super::exchange::{form, query_param};
use super::lifecycle::Endpoint;
use super::render::HttpRequest;
use super::{Demo, CALLBACK, CLIENT_ID, CLIENT_SECRET, HOST, RESOURCE_ANY};
use crate::describe;
use airisk_auth::code::s256_challenge;
use airisk_auth::flow::{check_bearer_with, Access, PendingAuthorization, Response};
use airisk_auth::token::CustomClaims;
use airisk_auth::Error;
use base64::Engine as _;

/// The demo's public client (no secret: `none` + PKCE S256).
const PUBLIC_CLIENT: &str = "demo-spa";
/// RFC 7636 Appendix B's verifier.
const PKCE_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RESOURCE_REPORTS: &str = "/api/demo/reports";

impl Demo {
    #[allow(clippy::too_many_lines)] // one step per client behaviour, in order
    pub(super) fn walk_oauth_clients(&mut self) {
        self.step("Client authentication with HTTP Basic (client_secret_basic)");
        self.note(
            "OAuth client libraries send the client's id and secret in Authorization: Basic\n\
             (RFC 6749 §2.3.1, form-urlencoded before base64) and ask for JSON errors.",
        );
        self.clock.advance(5);
        let r = self.authorize(&[("client_id", CLIENT_ID), ("redirect_uri", CALLBACK)]);
        let code = self.expect_code(&r);
        let basic = basic(CLIENT_ID, CLIENT_SECRET);
        let body = form(&[
            ("grant_type", "authorization_code"),
            ("redirect_uri", CALLBACK),
            ("code", &code),
        ]);
        let r = self.post(Endpoint::Token, &basic, body.clone());
        self.expect_token(&r);
        self.label("a wrong Basic secret: 401 with a Basic challenge and an RFC 6749 error");
        let wrong = self::basic(CLIENT_ID, "not-the-secret");
        let r = self.post(Endpoint::Token, &wrong, body);
        self.expect_status(&r, 401);
        self.expect_header(
            &r,
            "WWW-Authenticate",
            "Basic realm=\"https://api.airisk.example.com\"",
        );
        let error = json_member(&r, "error");
        self.expect(
            error.as_deref() == Some("invalid_client"),
            "error invalid_client",
            || r.body.clone(),
        );

        self.step("A public client: no secret, PKCE S256 (token_endpoint_auth_method none)");
        self.clock.advance(5);
        let challenge = s256_challenge(PKCE_VERIFIER).unwrap_or_default();
        let r = self.authorize(&[
            ("client_id", PUBLIC_CLIENT),
            ("redirect_uri", CALLBACK),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ]);
        let code = self.expect_code(&r);
        self.label("the code without its verifier is refused (RFC 7636 §4.6)");
        let without = [
            ("client_id", PUBLIC_CLIENT),
            ("redirect_uri", CALLBACK),
            ("code", code.as_str()),
        ];
        let r = self.token_form(&without);
        self.expect_status(&r, 400);
        self.expect_text_body(&r, "Invalid Code");
        self.expect_reason(&r, Error::PkceRequired);
        self.label("with its verifier");
        let mut with = without.to_vec();
        with.push(("code_verifier", PKCE_VERIFIER));
        let r = self.token_form(&with);
        self.expect_token(&r);

        self.step("The user denies the request (consent)");
        self.note(
            "The host validates the request, shows a consent page, and answers with the user's\n\
             decision: a denial redirects with error=access_denied and the client's state.",
        );
        let query = form(&[
            ("client_id", CLIENT_ID),
            ("redirect_uri", CALLBACK),
            ("userid", "user_42"),
            ("state", "xyz"),
        ]);
        if let Some(pending) = self.validate(&query) {
            let r = self.issuer.deny(&pending);
            self.record_authorize(&query, &r);
            self.expect_status(&r, 302);
            let location = r.header("Location").unwrap_or_default().to_owned();
            self.expect(
                query_param(&location, "error").as_deref() == Some("access_denied")
                    && query_param(&location, "state").as_deref() == Some("xyz")
                    && query_param(&location, "code").is_none(),
                "Location carries error=access_denied and state xyz, no code",
                || location.clone(),
            );
        }

        self.step("Scopes, and a custom claim added at approval");
        self.note(&format!(
            "abc123 may ask for risk:read and risk:write; this request asks for risk:read only, and\n\
             the host adds a custom claim (role) when it approves. {RESOURCE_REPORTS} needs risk:write."
        ));
        self.clock.advance(5);
        let query = form(&[
            ("client_id", CLIENT_ID),
            ("redirect_uri", CALLBACK),
            ("userid", "user_42"),
            ("scope", "risk:read"),
        ]);
        let Some(pending) = self.validate(&query) else {
            return;
        };
        let mut claims = CustomClaims::new();
        claims.insert("role".into(), "analyst".into());
        let r = match self.issuer.approve_with_claims(&pending, &claims) {
            Ok(r) => r,
            Err(e) => {
                // Recorded first, so the failed check belongs to an exchange and is counted.
                self.record_authorize(&query, &Response::new(500));
                self.expect(false, "the custom claims accepted", || describe(e));
                return;
            }
        };
        self.record_authorize(&query, &r);
        let code = self.expect_code(&r);
        self.clock.advance(2);
        let r = self.token_form(&[
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("redirect_uri", CALLBACK),
            ("code", &code),
            ("userid", "user_42"),
        ]);
        let token = self.expect_token(&r);
        let scope = json_member(&r, "scope");
        self.expect(
            scope.as_deref() == Some("risk:read"),
            "scope \"risk:read\" in the token response",
            || r.body.clone(),
        );
        self.label("a resource needing risk:read: the custom claim is read back");
        let (r, role) = self.scoped_resource(RESOURCE_ANY, &token, &["risk:read"]);
        self.expect_status(&r, 200);
        self.expect(
            role.as_deref() == Some("analyst"),
            "custom claim role = \"analyst\"",
            || format!("{role:?}"),
        );
        self.label("a resource needing risk:write: 403 insufficient_scope");
        let (r, _) = self.scoped_resource(RESOURCE_REPORTS, &token, &["risk:write"]);
        self.expect_status(&r, 403);
        self.expect_header(
            &r,
            "WWW-Authenticate",
            "Bearer error=\"insufficient_scope\", scope=\"risk:write\"",
        );
        self.expect_reason(&r, Error::InsufficientScope);
    }

    /// Validates an authorization request (the consent page's first half).
    fn validate(&mut self, query: &str) -> Option<PendingAuthorization> {
        match self.issuer.validate_authorization(query) {
            Ok(pending) => Some(pending),
            Err(answer) => {
                self.record_authorize(query, &answer);
                self.expect(false, "a valid authorization request", || {
                    format!("{} {:?}", answer.status, answer.reason)
                });
                None
            }
        }
    }

    fn record_authorize(&mut self, query: &str, response: &Response) {
        self.record(
            HttpRequest {
                method: "GET",
                target: format!("/api/oauth2?{query}"),
                headers: vec![("Host".into(), HOST.into())],
                body: String::new(),
            },
            response,
        );
    }

    /// Checks a 302 carrying a code (no state sent); returns the code.
    pub(super) fn expect_code(&mut self, r: &Response) -> String {
        self.expect_status(r, 302);
        let location = r.header("Location").unwrap_or_default().to_owned();
        let code = query_param(&location, "code").unwrap_or_default();
        self.expect(
            !code.is_empty(),
            format!("Location is {CALLBACK}?code=…"),
            || location.clone(),
        );
        code
    }

    /// `GET path` on a resource requiring `scopes`; the custom claim `role` when allowed.
    fn scoped_resource(
        &mut self,
        path: &str,
        token: &str,
        scopes: &[&str],
    ) -> (Response, Option<String>) {
        let authorization = format!("Bearer {token}");
        let now = self.verifier.now();
        let checked = check_bearer_with(
            &self.verifier,
            Some(&authorization),
            Access::User,
            scopes,
            now,
            |c| (c.to_claims(), c.claim::<String>("role")),
        );
        let (response, role) = match checked {
            Ok((claims, role)) => {
                let body = serde_json::json!({
                    "resource": path,
                    "userid": claims.userid(),
                    "scope": claims.scope,
                    "role": role,
                });
                let answer = Response::new(200)
                    .with_body("application/json; charset=utf-8", body.to_string());
                (answer, role)
            }
            Err(refusal) => (refusal, None),
        };
        self.record(
            HttpRequest {
                method: "GET",
                target: path.into(),
                headers: vec![
                    ("Host".into(), HOST.into()),
                    ("Authorization".into(), authorization),
                ],
                body: String::new(),
            },
            &response,
        );
        (response, role)
    }
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 §2.3.1).
pub(super) fn basic(id: &str, secret: &str) -> String {
    let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let pair = format!("{}:{}", encode(id), encode(secret));
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// A string member of a JSON body.
pub(super) fn json_member(r: &Response, name: &str) -> Option<String> {
    let body: serde_json::Value = serde_json::from_str(&r.body).ok()?;
    body[name].as_str().map(str::to_owned)
}
