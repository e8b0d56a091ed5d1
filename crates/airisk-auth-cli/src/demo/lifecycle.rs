//! The walk's third part (issue 15): the grant lifecycle — refresh tokens
//! with rotation and reuse detection, RFC 7009 revocation, RFC 7662
//! introspection, the user revoking an app (grant revocation), and discovery
//! (RFC 8414 metadata, the JWKS).

use super::clients::{basic, json_member};
use super::exchange::form;
use super::render::HttpRequest;
use super::{Demo, CALLBACK, CLIENT_SECRET, HOST, RESOURCE_USER};
use airisk_auth::flow::{Access, Issuer, Request, Response};
use airisk_auth::Error;

/// The demo's client registered for refresh tokens (`"refresh_tokens": true`).
const REFRESH_CLIENT: &str = "demo-app";
/// The demo's resource server, allowed to introspect (`"introspect": true`).
const RESOURCE_SERVER: &str = "demo-resource-server";
const USER: &str = "user_7";

/// Which endpoint a client's POST goes to.
#[derive(Clone, Copy)]
pub(super) enum Endpoint {
    Token,
    Revoke,
    Introspect,
}

impl Endpoint {
    fn path(self) -> &'static str {
        match self {
            Endpoint::Token => "/api/oauth2/Token",
            Endpoint::Revoke => "/api/oauth2/revoke",
            Endpoint::Introspect => "/api/oauth2/introspect",
        }
    }

    fn answer(self, issuer: &Issuer, request: &Request<'_>) -> Response {
        match self {
            Endpoint::Token => issuer.exchange(request),
            Endpoint::Revoke => issuer.revoke(request),
            Endpoint::Introspect => issuer.introspect(request),
        }
    }
}

impl Demo {
    #[allow(clippy::too_many_lines)] // one step per lifecycle capability, in order
    pub(super) fn walk_lifecycle(&mut self) {
        let app = basic(REFRESH_CLIENT, CLIENT_SECRET);
        let resource_server = basic(RESOURCE_SERVER, CLIENT_SECRET);

        self.step("Refresh tokens: rotation, and a replayed refresh token revokes the family");
        self.note(&format!(
            "Client {REFRESH_CLIENT} is registered with refresh tokens. Each refresh answers a new\n\
             access token and a new refresh token (RFC 9700 §4.14); the old refresh token is spent.\n\
             Presenting it again is a replay: refused, and every token of that grant is revoked."
        ));
        self.clock.advance(5);
        let (access, refresh) = self.user_tokens(&app);
        let refresh_body = form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh.as_str()),
        ]);
        self.clock.advance(60);
        self.label("the refresh: a new pair");
        let r = self.post(Endpoint::Token, &app, refresh_body.clone());
        let rotated_access = self.expect_token(&r);
        let rotated_refresh = json_member(&r, "refresh_token").unwrap_or_default();
        self.expect(
            !rotated_refresh.is_empty() && rotated_refresh != refresh && rotated_access != access,
            "a new access token and a new refresh token",
            || r.body.clone(),
        );
        let (r, _) = self.resource(RESOURCE_USER, Some(&rotated_access), Access::User);
        self.expect_status(&r, 200);
        self.clock.advance(5);
        self.label("the old refresh token again: a replay");
        let r = self.post(Endpoint::Token, &app, refresh_body);
        self.expect_status(&r, 400);
        self.expect(
            json_member(&r, "error").as_deref() == Some("invalid_grant"),
            "error invalid_grant",
            || r.body.clone(),
        );
        self.expect_reason(&r, Error::CodeAlreadyRedeemed);
        self.label("the newest access token of that family is refused now");
        let (r, _) = self.resource(RESOURCE_USER, Some(&rotated_access), Access::User);
        self.expect_status(&r, 401);
        self.expect_reason(&r, Error::TokenRevoked);

        self.step("Introspection (RFC 7662) and revocation (RFC 7009)");
        self.note(&format!(
            "{RESOURCE_SERVER} asks whether a token is active; {REFRESH_CLIENT} revokes its token.\n\
             Revocation answers 200 with an empty body for any token: it is never an oracle."
        ));
        self.clock.advance(5);
        let (access, _) = self.user_tokens(&app);
        let about_access = form(&[("token", access.as_str())]);
        let r = self.post(Endpoint::Introspect, &resource_server, about_access.clone());
        self.expect_status(&r, 200);
        self.expect_header(&r, "Cache-Control", "no-store");
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
        self.expect(
            body["active"] == true && body["client_id"] == REFRESH_CLIENT && body["userid"] == USER,
            format!("active, client_id {REFRESH_CLIENT}, userid {USER}"),
            || r.body.clone(),
        );
        let r = self.post(Endpoint::Revoke, &app, about_access.clone());
        self.expect_status(&r, 200);
        self.expect(r.body.is_empty(), "an empty body", || r.body.clone());
        let (r, _) = self.resource(RESOURCE_USER, Some(&access), Access::User);
        self.expect_status(&r, 401);
        self.expect_reason(&r, Error::TokenRevoked);
        let r = self.post(Endpoint::Introspect, &resource_server, about_access);
        self.expect_status(&r, 200);
        self.expect(
            r.body == r#"{"active":false}"#,
            "{\"active\":false} and nothing else",
            || r.body.clone(),
        );

        self.step("The user revokes the app (grant revocation)");
        self.note(&format!(
            "A \"connected apps\" page calls Issuer::revoke_grant(\"{REFRESH_CLIENT}\", Some(\"{USER}\")):\n\
             every token of that grant issued before now is refused, without listing them;\n\
             after a new consent, new tokens work."
        ));
        self.clock.advance(5);
        let (access, _) = self.user_tokens(&app);
        self.clock.advance(5);
        let revoked = self.issuer.revoke_grant(REFRESH_CLIENT, Some(USER));
        self.expect(revoked.is_ok(), "revoke_grant succeeds", || {
            format!("{revoked:?}")
        });
        let (r, _) = self.resource(RESOURCE_USER, Some(&access), Access::User);
        self.expect_status(&r, 401);
        self.expect_reason(&r, Error::TokenRevoked);
        self.clock.advance(1);
        self.label("after the user consents again");
        let (access, _) = self.user_tokens(&app);
        let (r, _) = self.resource(RESOURCE_USER, Some(&access), Access::User);
        self.expect_status(&r, 200);

        self.step("Discovery: RFC 8414 metadata and the JWKS");
        let path = self.issuer.metadata_path();
        let r = self.issuer.metadata();
        self.record_get(&path, &r);
        self.expect_status(&r, 200);
        let metadata: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
        let issuer = self.issuer.config().issuer.clone();
        self.expect(
            metadata["issuer"] == issuer.as_str()
                && metadata["token_endpoint"] == format!("{issuer}/api/oauth2/Token")
                && metadata["revocation_endpoint"] == format!("{issuer}/api/oauth2/revoke")
                && metadata["introspection_endpoint"] == format!("{issuer}/api/oauth2/introspect")
                && metadata["scopes_supported"] == serde_json::json!(["risk:read", "risk:write"]),
            "the issuer, its token, revocation and introspection endpoints, its scopes",
            || r.body.clone(),
        );
        let jwks_uri = metadata["jwks_uri"].as_str().unwrap_or_default().to_owned();
        let r = self.issuer.jwks();
        let jwks_path = jwks_uri
            .strip_prefix(&issuer)
            .unwrap_or(&jwks_uri)
            .to_owned();
        self.record_get(&jwks_path, &r);
        self.expect_status(&r, 200);
        let jwks: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
        let published = jwks["keys"].as_array().map_or(0, Vec::len);
        let public = self.verifier_key_is_public();
        self.expect(
            published == usize::from(public)
                && !r.body.contains("\"d\"")
                && !r.body.contains("\"k\""),
            if public {
                "the public EdDSA key, no private member"
            } else {
                "no key: an HS256 secret is never published"
            },
            || r.body.clone(),
        );
    }

    /// Authorization and code exchange for [`USER`] through [`REFRESH_CLIENT`];
    /// returns the access and the refresh token.
    fn user_tokens(&mut self, app: &str) -> (String, String) {
        let r = self.authorize(&[
            ("client_id", REFRESH_CLIENT),
            ("redirect_uri", CALLBACK),
            ("userid", USER),
        ]);
        let code = self.expect_code(&r);
        self.clock.advance(2);
        let body = form(&[
            ("grant_type", "authorization_code"),
            ("redirect_uri", CALLBACK),
            ("code", code.as_str()),
            ("userid", USER),
        ]);
        let r = self.post(Endpoint::Token, app, body);
        let access = self.expect_token(&r);
        let refresh = json_member(&r, "refresh_token").unwrap_or_default();
        self.expect(!refresh.is_empty(), "a refresh_token", || r.body.clone());
        (access, refresh)
    }

    /// Whether the issuer signs with a public-key algorithm (its JWKS lists the key).
    fn verifier_key_is_public(&self) -> bool {
        self.algorithm == "EdDSA"
    }

    /// `POST` a form to `endpoint` with HTTP Basic client authentication, as
    /// client libraries send it (`Accept: application/json`).
    pub(super) fn post(
        &mut self,
        endpoint: Endpoint,
        authorization: &str,
        body: String,
    ) -> Response {
        let content_type = "application/x-www-form-urlencoded";
        let accept = "application/json";
        let request = Request::new(Some(content_type), body.as_bytes())
            .with_authorization(Some(authorization))
            .with_accept(Some(accept));
        let response = endpoint.answer(&self.issuer, &request);
        let headers = vec![
            ("Host".into(), HOST.into()),
            ("Content-Type".into(), content_type.into()),
            ("Accept".into(), accept.into()),
            ("Authorization".into(), authorization.into()),
            ("Content-Length".into(), body.len().to_string()),
        ];
        self.record(
            HttpRequest {
                method: "POST",
                target: endpoint.path().into(),
                headers,
                body,
            },
            &response,
        );
        response
    }

    fn record_get(&mut self, path: &str, response: &Response) {
        self.record(
            HttpRequest {
                method: "GET",
                target: path.into(),
                headers: vec![("Host".into(), HOST.into())],
                body: String::new(),
            },
            response,
        );
    }
}
