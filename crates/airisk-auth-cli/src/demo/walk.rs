//! The walk through the documented flow, step by step.

use super::exchange::json_object;
use super::{
    Demo, APP_CALLBACK, CALLBACK, CLIENT_ID, CLIENT_SECRET, RESOURCE_ANY, RESOURCE_USER,
    SAMPLE_CODE,
};
use airisk_auth::flow::{Access, Response};
use airisk_auth::token::Claims;
use airisk_auth::Error;

impl Demo {
    #[allow(clippy::too_many_lines)] // the documented flow, step by step, in order
    pub(super) fn walk(&mut self) {
        let state = "af0ifjsldkj";
        self.step("Authorization request, generic token (no userid)");
        self.note("The browser is sent to the authorization endpoint; it answers with a redirect.");
        let r = self.authorize(&[
            ("client_id", CLIENT_ID),
            ("redirect_uri", CALLBACK),
            ("state", state),
        ]);
        let generic_code = self.expect_redirect(&r, CALLBACK, state);

        self.step("Token request, form body");
        self.clock.advance(2);
        let first_exchange = [
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
            ("redirect_uri", CALLBACK),
            ("code", generic_code.as_str()),
        ];
        let r = self.token_form(&first_exchange);
        let generic_token = self.expect_token(&r);

        self.step("Protected resources with the generic token");
        self.note(&format!(
            "{RESOURCE_ANY} accepts any token (Access::Any); {RESOURCE_USER} needs a user token \
             (Access::User).\nThe core's check_bearer decides; the 200 bodies are the demo resources' own."
        ));
        let (r, claims) = self.resource(RESOURCE_ANY, Some(&generic_token), Access::Any);
        self.expect_status(&r, 200);
        let who = claims.as_ref().map(|c| (c.client_id.clone(), c.user_token));
        self.expect(
            who == Some((Some(CLIENT_ID.into()), false)),
            "a generic token of client abc123",
            || format!("{who:?}"),
        );
        let (r, _) = self.resource(RESOURCE_USER, Some(&generic_token), Access::User);
        self.expect_status(&r, 403);
        self.expect_header(
            &r,
            "WWW-Authenticate",
            "Bearer error=\"insufficient_scope\"",
        );
        self.expect_reason(&r, Error::UserTokenRequired);

        self.step("User-specific token: userid=user_42, JSON token body");
        self.clock.advance(3);
        let state2 = "k5Hr0q";
        let r = self.authorize(&[
            ("client_id", CLIENT_ID),
            ("redirect_uri", APP_CALLBACK),
            ("userid", "user_42"),
            ("state", state2),
        ]);
        let user_code = self.expect_redirect(&r, APP_CALLBACK, state2);
        self.clock.advance(2);
        let r = self.token(
            "application/json",
            json_object(&[
                ("client_id", CLIENT_ID),
                ("client_secret", CLIENT_SECRET),
                ("redirect_uri", APP_CALLBACK),
                ("code", &user_code),
                ("userid", "user_42"),
            ]),
        );
        let user_token = self.expect_token(&r);
        let (r, claims) = self.resource(RESOURCE_USER, Some(&user_token), Access::User);
        self.expect_status(&r, 200);
        let who = claims
            .as_ref()
            .map(|c| (c.userid().map(str::to_owned), c.company_id.clone()));
        self.expect(
            who == Some((Some("user_42".into()), Some("acme".into()))),
            "a user token of user_42, company acme",
            || format!("{who:?}"),
        );

        self.step("The first code replayed");
        self.note(
            "A code works once. Its second use is refused and revokes the token issued from it\n\
             (RFC 6749 §4.1.2); tokens from other codes are untouched.",
        );
        self.clock.advance(5);
        self.label("the same token request as in step 2");
        let r = self.token_form(&first_exchange);
        self.expect_status(&r, 400);
        self.expect_text_body(&r, "Invalid Code");
        self.expect_reason(&r, Error::CodeAlreadyRedeemed);
        self.label("the token issued from the replayed code");
        let (r, _) = self.resource(RESOURCE_ANY, Some(&generic_token), Access::Any);
        self.expect_status(&r, 401);
        self.expect_header(&r, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
        self.expect_reason(&r, Error::TokenRevoked);
        self.label("the user token, from another code, still works");
        let (r, _) = self.resource(RESOURCE_USER, Some(&user_token), Access::User);
        self.expect_status(&r, 200);

        self.step("Documented errors");
        self.label("client_id missing");
        let r = self.token_form(&[
            ("client_secret", CLIENT_SECRET),
            ("redirect_uri", CALLBACK),
            ("code", SAMPLE_CODE),
        ]);
        self.expect_status(&r, 400);
        self.expect_text_body(&r, "Invalid client_id");
        self.label("client_secret wrong");
        let r = self.token_form(&[
            ("client_id", CLIENT_ID),
            ("client_secret", "not-the-secret"),
            ("redirect_uri", CALLBACK),
            ("code", SAMPLE_CODE),
        ]);
        self.expect_problem(&r);
        self.expect_reason(&r, Error::InvalidClientSecret);
        self.label("unknown client_id at the authorization endpoint: no redirect");
        let r = self.authorize(&[("client_id", "unknown-client"), ("redirect_uri", CALLBACK)]);
        self.expect_problem(&r);
        self.expect_reason(&r, Error::UnknownClient);
        self.label("protected resource without a token");
        let (r, _) = self.resource(RESOURCE_ANY, None, Access::Any);
        self.expect_status(&r, 401);
        self.expect_header(&r, "WWW-Authenticate", "Bearer");
        self.expect_reason(&r, Error::MissingBearer);

        self.walk_oauth_clients();
        self.walk_lifecycle();
    }
}

/// The demo resource's own 200 answer: who the verified token speaks for.
pub(super) fn resource_answer(path: &str, claims: &Claims) -> Response {
    let body = serde_json::json!({
        "resource": path,
        "client_id": claims.client_id,
        "userid": claims.userid(),
        "company_id": claims.company_id,
    });
    Response::new(200).with_body("application/json; charset=utf-8", body.to_string())
}
