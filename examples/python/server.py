"""Reference AIRisk authorization server on Flask, built on ``airisk_auth``.

This is an EXAMPLE for Python hosts, not the server to deploy: it runs on
Werkzeug's development server. To run the authorization server, use
``airisk-auth serve`` (the CLI built with ``--features serve,redis``; see the
README); to add the endpoints to your own Flask app, copy the three routes below.

Serves the documented endpoints so the AIRisk documentation's own curl and
``requests`` examples run against it unchanged but for the host:

- ``GET  /api/oauth2``           authorization (302 to the redirect URI with a code)
- ``GET  /api/oauth2/consent``   the same request, shown on a consent page first
- ``POST /api/oauth2/decide``    the page's answer: approve (302 with a code) or deny
                                 (302 with ``error=access_denied``), from a sealed ticket
- ``POST /api/oauth2/Token``     token exchange (form or JSON body; ``grant_type=refresh_token``
                                 for clients registered with ``"refresh_tokens": true``)
- ``POST /api/oauth2/revoke``    token revocation (RFC 7009)
- ``POST /api/oauth2/introspect`` token introspection (RFC 7662), for ``"introspect": true`` clients
- ``GET  /api/oauth2/jwks``      the public keys (EdDSA keys only; HS256: an empty set)
- ``GET  /.well-known/oauth-authorization-server``  the RFC 8414 metadata
- ``GET  /api/GetConversations`` a user-only resource (a generic token gets 403)
- ``GET  /api/Users/ListUsers``  a resource any valid token may read
- ``GET  /api/Reports``          a resource needing the scope ``reports:read`` (403
                                 ``insufficient_scope`` without it)

Run:  python examples/python/server.py --port 8000
The demo registry (registry.json beside this file) has the documentation's
``abc123`` and ``YOUR_client_id``/``YOUR_client_secret`` clients (client_secret_basic
or client_secret_post), the public client ``native-app`` (no secret: PKCE S256),
redirect URI ``https://localhost/callback``, and the user ``user_42``; ``rt-app`` gets refresh
tokens and ``resource-server`` may introspect. ``abc123`` may ask
for the scopes ``conversations:read`` and ``reports:read`` (none by default). An approval
on the consent page adds the custom claim ``approved_via``, which GetConversations reads back. Keys are generated at
start (HS256, as in the documentation) unless --keys names a key-set JSON file.
``--port 0`` picks a free port; the first line printed says which.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import html

import flask
from werkzeug.serving import make_server

import airisk_auth
from airisk_auth.flask import current_claims, require_bearer, to_flask_response

HERE = Path(__file__).resolve().parent
# The largest request body read. Flask refuses a larger declared Content-Length with 413
# before reading it (and cuts a chunked body off there); bodies up to this size reach the
# library, which answers one over its own 16 KiB bound with its documented 400.
MAX_BODY_BYTES = 64 * 1024
# Every printable ASCII byte stays as it is (existing %XX escapes included).
_ASCII_SAFE = bytes(range(0x21, 0x7F)).decode("ascii")


def raw_query(request: flask.Request) -> str:
    """The raw query string for the core. Bytes that are not UTF-8 are percent-escaped:
    form decoding gives the same bytes back, so the core refuses them as it would raw."""
    raw = request.query_string
    if str(request.environ.get("SERVER_SOFTWARE", "")).startswith("Werkzeug/"):
        # Werkzeug's development server reads the request line as Latin-1 and then
        # encodes it as UTF-8 (so an unescaped `state=aéb` would come back as
        # `a%C3%83%C2%A9b`); undo that to get the bytes the client sent.
        try:
            raw = raw.decode("utf-8").encode("latin-1")
        except (UnicodeDecodeError, UnicodeEncodeError):
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return urllib.parse.quote_from_bytes(raw, safe=_ASCII_SAFE)


def create_app(issuer: airisk_auth.Issuer, registry_document: dict[str, Any]) -> flask.Flask:
    app = flask.Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    verifier = issuer.verifier()
    users = [u["userid"] for u in registry_document.get("users", [])]

    @app.get("/api/oauth2")
    def authorize() -> flask.Response:
        return to_flask_response(issuer.authorize(raw_query(flask.request)))

    @app.get("/api/oauth2/consent")
    def consent() -> flask.Response:
        # Validate without deciding; the page carries the request as a sealed ticket,
        # so nothing is kept on the server between the two requests.
        pending = issuer.validate_authorization(raw_query(flask.request))
        if isinstance(pending, airisk_auth.Response):
            return to_flask_response(pending)
        ticket = html.escape(issuer.seal(pending), quote=True)
        who = html.escape(pending.userid or "(no user: a generic token)")
        page = (
            "<!doctype html><title>Consent</title>"
            f"<p>{html.escape(pending.client_id)} asks to act for {who}.</p>"
            '<form method="post" action="/api/oauth2/decide">'
            f'<input type="hidden" name="ticket" value="{ticket}">'
            '<button name="decision" value="approve">Approve</button>'
            '<button name="decision" value="deny">Deny</button></form>'
        )
        response = flask.Response(page, content_type="text/html; charset=utf-8")
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.post("/api/oauth2/decide")
    def decide() -> flask.Response:
        pending = issuer.open_ticket(flask.request.form.get("ticket", ""))
        if isinstance(pending, airisk_auth.Response):
            return to_flask_response(pending)
        if flask.request.form.get("decision") == "approve":
            # The host may add claims of its own when it approves (never registered ones).
            return to_flask_response(issuer.approve(pending, claims={"approved_via": "consent-page"}))
        return to_flask_response(issuer.deny(pending))

    @app.post("/api/oauth2/Token")
    def token() -> flask.Response:
        # Authorization: client_secret_basic; Accept: application/json gets RFC 6749 JSON
        # error bodies.
        return form_endpoint(issuer.exchange, "token")

    def form_endpoint(endpoint: Any, name: str) -> flask.Response:
        """A form ``POST`` handed to one of the issuer's endpoints with its request parts."""
        headers = flask.request.headers
        answer = endpoint(
            headers.get("Content-Type"),
            flask.request.get_data(),
            authorization=headers.get("Authorization"),
            accept=headers.get("Accept"),
        )
        if answer.reason is not None:
            app.logger.info("%s refused: %s", name, answer.reason)
        return to_flask_response(answer)

    @app.post("/api/oauth2/revoke")
    def revoke() -> flask.Response:
        return form_endpoint(issuer.revoke, "revocation")

    @app.post("/api/oauth2/introspect")
    def introspect() -> flask.Response:
        return form_endpoint(issuer.introspect, "introspection")

    @app.get("/api/oauth2/jwks")
    def jwks() -> flask.Response:
        return to_flask_response(issuer.jwks())

    @app.get(issuer.metadata_path())
    def metadata() -> flask.Response:
        return to_flask_response(issuer.metadata())

    @app.get("/api/GetConversations")
    @require_bearer(verifier, access="user")
    def conversations() -> Any:
        claims = current_claims()
        return flask.jsonify(
            [{"id": 1, "userid": claims.userid, "company_id": claims.company_id, "title": "Welcome",
              "approved_via": claims.get("approved_via")}]
        )

    @app.get("/api/Users/ListUsers")
    @require_bearer(verifier, access="any")
    def list_users() -> Any:
        return flask.jsonify([{"userid": u} for u in users])

    @app.get("/api/Reports")
    @require_bearer(verifier, access="any", scopes=["reports:read"])
    def reports() -> Any:
        return flask.jsonify({"reports": [], "scope": current_claims().scope})

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--registry", type=Path, default=HERE / "registry.json")
    parser.add_argument("--keys", type=Path, help="key-set JSON (default: a new HS256 key)")
    parser.add_argument("--issuer", default="https://airisk.example")
    args = parser.parse_args(argv)

    document_text = args.registry.read_text(encoding="utf-8")
    registry = airisk_auth.Registry.from_json(document_text)
    keys = (
        airisk_auth.KeySet.from_json(args.keys.read_text(encoding="utf-8"))
        if args.keys
        else airisk_auth.KeySet.generate_hs256("demo-1")
    )
    # One process: its own memory. Several: RedisStore(url) or PostgresStore(dsn).
    issuer = airisk_auth.Issuer(keys, registry, issuer=args.issuer, store=airisk_auth.MemoryStore())
    app = create_app(issuer, json.loads(document_text))

    server = make_server(args.host, args.port, app, threaded=True)
    print(f"listening on http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
