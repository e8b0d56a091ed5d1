// airisk_auth.hpp: a small C++17 layer over airisk_auth.h.
//
// - Handles are move-only RAII objects (std::unique_ptr with the C _free
//   function); copying is not offered because the C objects have one owner.
// - Failures throw airisk::error, which carries the airisk_result code, its
//   name ("Expired") and its text, and the call's airisk_last_error_detail()
//   as detail() (which claim, which setting, which file). Answers to HTTP
//   requests (airisk::response) are not failures: read their status.
// - std::string_view results borrow from the object they came from (claims,
//   response) and are valid as long as it lives, as in the C API.
// - Threads: keyset, registry, verifier and issuer may be shared between
//   threads (const methods only); claims and responses are read-only values.
// - Every issuer is built with a store (airisk::store_handle): memory() for one
//   process, redis(url) or postgres(dsn) for the Rust stores shared across
//   processes, or a service's own store as an airisk::store (virtual
//   redeem/revoke/is_revoked; redeem answers an airisk::redemption) given as a
//   std::shared_ptr.
//   An airisk::store keeps no grant revocations or refresh tokens (the optional
//   callback groups of airisk_store_callbacks stay NULL): revoke_grant fails and
//   clients registered for refresh tokens get 503s. A C++ service that needs
//   them fills an airisk_store_callbacks itself or uses memory(), redis() or postgres().
//
// Header-only (with airisk_auth_keys.hpp: keyset, keyset_builder, token_claims, and
// airisk_auth_store.hpp: store, store_handle, both included
// here); link libairisk_auth as for the C API.
#ifndef AIRISK_AUTH_HPP
#define AIRISK_AUTH_HPP

#include "airisk_auth.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace airisk {

/// A failed call: the airisk_result code, with the core's name and text, and what the
/// call knew beyond its code (airisk_last_error_detail(): the claim at fault, the setting
/// and its range, the file and the OS error, the position in a document).
class error : public std::runtime_error {
 public:
  explicit error(uint32_t code) : error(code, std::string()) {}
  /// `code`, explained by `detail` (empty: none). what() is "Name: detail" when there is
  /// a detail, e.g. "MissingClaim: the token lacks a required claim: `client_id`", else
  /// "Name: text", e.g. "Expired: the token has expired".
  error(uint32_t code, std::string detail)
      : std::runtime_error(std::string(airisk_result_name(code)) + ": " +
                           (detail.empty() ? std::string(airisk_result_text(code)) : detail)),
        code_(code),
        detail_(std::move(detail)) {}
  /// The AIRISK_* code (never AIRISK_OK).
  uint32_t code() const noexcept { return code_; }
  /// The core's name of the code, e.g. "Expired".
  const char* name() const noexcept { return airisk_result_name(code_); }
  /// What the failing call knew beyond its code; empty when it had no detail.
  const std::string& detail() const noexcept { return detail_; }

 private:
  uint32_t code_;
  std::string detail_;
};

namespace detail {
/// Throws the failure `rc` of the call that just returned it, with its detail: every
/// failing call records its own (or empties it), so it belongs to this call.
inline void check(uint32_t rc) {
  if (rc != AIRISK_OK) throw error(rc, airisk_last_error_detail());
}

template <class T, void (*Free)(T*)>
struct deleter {
  void operator()(T* p) const noexcept { Free(p); }
};

template <class T, void (*Free)(T*)>
using handle = std::unique_ptr<T, deleter<T, Free>>;

inline std::string take_string(char* s) {
  std::unique_ptr<char, deleter<char, airisk_string_free>> owned(s);
  return owned ? std::string(owned.get()) : std::string();
}

inline std::optional<std::string_view> view(const char* p, size_t len) {
  if (p == nullptr) return std::nullopt;
  return std::string_view(p, len);
}

/// A pointer for a (ptr, len) input that must be present, even when empty.
inline const char* present(std::string_view s) { return s.data() ? s.data() : ""; }
}  // namespace detail

/// A string of an airisk_claims_view; nullopt when the claim is absent.
inline std::optional<std::string_view> view_str(airisk_str s) { return detail::view(s.ptr, s.len); }

/// The library version, e.g. "0.1.0".
inline std::string version() { return airisk_version(); }

}  // namespace airisk

// airisk::keyset, airisk::keyset_builder (keys in code) and airisk::token_claims (typed claims).
#include "airisk_auth_keys.hpp"  // IWYU pragma: export

namespace airisk {

/// The verified claims of a token (airisk_claims).
class claims {
 public:
  /// The userid of a user token; nullopt for a generic token.
  std::optional<std::string_view> userid() const { return str(airisk_claims_userid); }
  std::string_view iss() const { return str(airisk_claims_iss).value_or(std::string_view()); }
  std::optional<std::string_view> sub() const { return str(airisk_claims_sub); }
  std::optional<std::string_view> client_id() const { return str(airisk_claims_client_id); }
  std::optional<std::string_view> company_id() const { return str(airisk_claims_company_id); }
  std::optional<std::string_view> jti() const { return str(airisk_claims_jti); }
  /// The granted scopes, space-separated (RFC 9068 §2.2.3), if the token carries any.
  std::optional<std::string_view> scope() const { return str(airisk_claims_scope); }
  uint64_t exp() const noexcept { return airisk_claims_exp(get()); }
  std::optional<uint64_t> iat() const { return date(airisk_claims_iat); }
  std::optional<uint64_t> nbf() const { return date(airisk_claims_nbf); }
  bool user_token() const noexcept { return airisk_claims_user_token(get()); }
  std::vector<std::string_view> audience() const {
    std::vector<std::string_view> out;
    for (size_t i = 0, n = airisk_claims_audience_count(get()); i < n; i++) {
      size_t len = 0;
      const char* p = airisk_claims_audience(get(), i, &len);
      out.emplace_back(p, len);
    }
    return out;
  }
  const airisk_claims* get() const noexcept { return h_.get(); }
  /// Takes ownership of claims obtained from the C API.
  explicit claims(airisk_claims* owned) : h_(owned) {}

 private:
  std::optional<std::string_view> str(const char* (*f)(const airisk_claims*, size_t*)) const {
    size_t len = 0;
    const char* p = f(get(), &len);
    return detail::view(p, len);
  }
  std::optional<uint64_t> date(bool (*f)(const airisk_claims*, uint64_t*)) const {
    uint64_t v = 0;
    if (f(get(), &v)) return v;
    return std::nullopt;
  }
  detail::handle<airisk_claims, airisk_claims_free> h_;
};

/// A complete HTTP answer (airisk_response).
class response {
 public:
  uint16_t status() const noexcept { return airisk_response_status(get()); }
  /// Why the request failed, for logs (AIRISK_OK for success).
  uint32_t reason() const noexcept { return airisk_response_reason(get()); }
  /// For a refused bearer token, the claim at fault (airisk_response_claim), for logs.
  std::optional<std::string_view> claim() const {
    size_t len = 0;
    const char* p = airisk_response_claim(get(), &len);
    return detail::view(p, len);
  }
  /// The first header called `name` (case-insensitive).
  std::optional<std::string_view> header(const std::string& name) const {
    size_t len = 0;
    const char* p = airisk_response_header(get(), name.c_str(), &len);
    return detail::view(p, len);
  }
  std::optional<std::string_view> content_type() const { return header("Content-Type"); }
  /// Every header, in order.
  std::vector<std::pair<std::string_view, std::string_view>> headers() const {
    std::vector<std::pair<std::string_view, std::string_view>> out;
    for (size_t i = 0, n = airisk_response_header_count(get()); i < n; i++) {
      size_t nl = 0, vl = 0;
      const char* name = airisk_response_header_name(get(), i, &nl);
      const char* value = airisk_response_header_value(get(), i, &vl);
      out.emplace_back(std::string_view(name, nl), std::string_view(value, vl));
    }
    return out;
  }
  std::string_view body() const {
    size_t len = 0;
    const char* p = airisk_response_body(get(), &len);
    return std::string_view(p, len);
  }
  const airisk_response* get() const noexcept { return h_.get(); }
  /// Takes ownership of a response obtained from the C API.
  explicit response(airisk_response* owned) : h_(owned) {}

 private:
  detail::handle<airisk_response, airisk_response_free> h_;
};

/// Why a token is refused (airisk_verifier_explain_at): the code, and the claim at fault.
struct token_refusal {
  /// The AIRISK_* code the verify call returned for the token.
  uint32_t code;
  /// The claim missing or not of its type (AIRISK_MISSING_CLAIM, AIRISK_MALFORMED_CLAIMS).
  std::optional<std::string> claim;
  /// The core's name of the code, e.g. "MissingClaim".
  const char* name() const noexcept { return airisk_result_name(code); }
};

/// A token verifier (airisk_verifier).
class verifier {
 public:
  /// See airisk_verifier_new; `flags` combines AIRISK_POLICY_*.
  verifier(const keyset& keys, const std::string& issuer,
           const std::optional<std::string>& audience = std::nullopt,
           uint64_t leeway = AIRISK_DEFAULT_LEEWAY,
           size_t max_token_len = AIRISK_DEFAULT_MAX_TOKEN_LEN, uint32_t flags = 0) {
    airisk_verifier* out = nullptr;
    detail::check(airisk_verifier_new(keys.get(), issuer.c_str(),
                                      audience ? audience->c_str() : nullptr, leeway,
                                      max_token_len, flags, &out));
    h_.reset(out);
  }
  /// Verifies at the system clock's time; throws airisk::error when refused.
  claims verify(std::string_view token) const {
    airisk_claims* out = nullptr;
    detail::check(airisk_verifier_verify(get(), detail::present(token), token.size(), &out));
    return claims(out);
  }
  /// Verifies at `now` (Unix seconds).
  claims verify_at(std::string_view token, uint64_t now) const {
    airisk_claims* out = nullptr;
    detail::check(airisk_verifier_verify_at(get(), detail::present(token), token.size(), now, &out));
    return claims(out);
  }
  /// Verifies at `now` and calls `read(const airisk_claims_view&)` with the claims borrowed
  /// from the decoded token (airisk_verifier_verify_view_at: nothing copied or allocated);
  /// returns what `read` returns, or throws airisk::error when the token is refused. The
  /// view and its strings (airisk::view_str) live only during `read`, which must not throw
  /// (it runs inside the library: an exception terminates) and must return a value.
  template <class F>
  auto verify_view_at(std::string_view token, uint64_t now, F&& read) const {
    using R = std::invoke_result_t<F&, const airisk_claims_view&>;
    static_assert(!std::is_void_v<R>, "read must return a value");
    struct context {
      F* read;
      std::optional<R> out;
    } ctx{&read, std::nullopt};
    detail::check(airisk_verifier_verify_view_at(
        get(), detail::present(token), token.size(), now,
        [](const airisk_claims_view* claims, void* p) noexcept {
          auto* c = static_cast<context*>(p);
          c->out.emplace((*c->read)(*claims));
        },
        &ctx));
    return std::move(*ctx.out);
  }
  /// Why `token` is refused at `now`, naming the claim at fault; nullopt when it verifies.
  /// Verifies again: slow, for logs after a refusal (verify's airisk::error::detail()
  /// already says it), never for the request path.
  std::optional<token_refusal> explain_at(std::string_view token, uint64_t now) const {
    uint32_t code = AIRISK_OK;
    char* claim = nullptr;
    detail::check(airisk_verifier_explain_at(get(), detail::present(token), token.size(), now,
                                             &code, &claim));
    if (code == AIRISK_OK) return std::nullopt;
    std::optional<std::string> named;
    if (claim != nullptr) named = detail::take_string(claim);
    return token_refusal{code, std::move(named)};
  }
  const airisk_verifier* get() const noexcept { return h_.get(); }
  /// Takes ownership of a verifier obtained from the C API.
  explicit verifier(airisk_verifier* owned) : h_(owned) {}

 private:
  detail::handle<airisk_verifier, airisk_verifier_free> h_;
};

/// The outcome of a bearer check: claims (allowed) or the response to send.
struct bearer_result {
  std::optional<airisk::claims> claims;
  std::optional<airisk::response> refusal;
  bool allowed() const noexcept { return claims.has_value(); }
};

namespace detail {
inline bearer_result check_bearer_impl(const verifier& v,
                                       std::optional<std::string_view> authorization,
                                       uint32_t access, const uint64_t* now) {
  airisk_claims* c = nullptr;
  airisk_response* r = nullptr;
  const char* auth = authorization ? detail::present(*authorization) : nullptr;
  size_t len = authorization ? authorization->size() : 0;
  detail::check(now ? airisk_verifier_check_bearer_at(v.get(), auth, len, access, *now, &c, &r)
                    : airisk_verifier_check_bearer(v.get(), auth, len, access, &c, &r));
  bearer_result out;
  if (c != nullptr) out.claims.emplace(claims(c));
  if (r != nullptr) out.refusal.emplace(response(r));
  return out;
}
}  // namespace detail

/// Checks an Authorization header (nullopt: the request has none) at the system clock's time.
inline bearer_result check_bearer(const verifier& v, std::optional<std::string_view> authorization,
                                  uint32_t access = AIRISK_ACCESS_ANY) {
  return detail::check_bearer_impl(v, authorization, access, nullptr);
}

/// check_bearer at `now` (Unix seconds).
inline bearer_result check_bearer_at(const verifier& v,
                                     std::optional<std::string_view> authorization,
                                     uint32_t access, uint64_t now) {
  return detail::check_bearer_impl(v, authorization, access, &now);
}

/// Clients and users (airisk_registry).
class registry {
 public:
  static registry from_json(std::string_view json) {
    airisk_registry* out = nullptr;
    detail::check(airisk_registry_from_json(detail::present(json), json.size(), &out));
    return registry(out);
  }
  static registry from_file(const std::string& path) {
    airisk_registry* out = nullptr;
    detail::check(airisk_registry_from_file(path.c_str(), &out));
    return registry(out);
  }
  const airisk_registry* get() const noexcept { return h_.get(); }

 private:
  explicit registry(airisk_registry* p) : h_(p) {}
  detail::handle<airisk_registry, airisk_registry_free> h_;
};

}  // namespace airisk

// airisk::redemption, airisk::store and airisk::store_handle (where an issuer keeps single use).
#include "airisk_auth_store.hpp"  // IWYU pragma: export

namespace airisk {

/// The authorization server (airisk_issuer).
class issuer {
 public:
  /// See airisk_issuer_new: redemptions and revocations go to `store`.
  issuer(const registry& reg, const keyset& keys, const std::vector<uint8_t>& code_key,
         const std::string& iss, const store_handle& store,
         const std::optional<std::string>& audience = std::nullopt,
         uint64_t code_ttl = AIRISK_DEFAULT_CODE_TTL,
         uint64_t token_ttl = AIRISK_DEFAULT_TOKEN_TTL) {
    airisk_issuer* out = nullptr;
    detail::check(airisk_issuer_new(reg.get(), keys.get(), code_key.data(), code_key.size(),
                                    iss.c_str(), audience ? audience->c_str() : nullptr,
                                    code_ttl, token_ttl, store.get(), &out));
    h_.reset(out);
  }
  /// An issuer on the application's own `store` (not null): store_handle::from(store).
  issuer(const registry& reg, const keyset& keys, const std::vector<uint8_t>& code_key,
         const std::string& iss, std::shared_ptr<airisk::store> store,
         const std::optional<std::string>& audience = std::nullopt,
         uint64_t code_ttl = AIRISK_DEFAULT_CODE_TTL,
         uint64_t token_ttl = AIRISK_DEFAULT_TOKEN_TTL)
      : issuer(reg, keys, code_key, iss, store_handle::from(std::move(store)), audience,
               code_ttl, token_ttl) {}
  /// GET /api/oauth2 with the raw query string.
  response authorize(std::string_view query) const {
    airisk_response* out = nullptr;
    detail::check(airisk_issuer_authorize(get(), detail::present(query), query.size(), &out));
    return response(out);
  }
  response authorize_at(std::string_view query, uint64_t now) const {
    airisk_response* out = nullptr;
    detail::check(
        airisk_issuer_authorize_at(get(), detail::present(query), query.size(), now, &out));
    return response(out);
  }
  /// POST /api/oauth2/Token with the Content-Type (nullopt: none) and raw body.
  response exchange(std::optional<std::string_view> content_type, std::string_view body) const {
    airisk_response* out = nullptr;
    detail::check(airisk_issuer_exchange(
        get(), content_type ? detail::present(*content_type) : nullptr,
        content_type ? content_type->size() : 0, detail::present(body), body.size(), &out));
    return response(out);
  }
  response exchange_at(std::optional<std::string_view> content_type, std::string_view body,
                       uint64_t now) const {
    airisk_response* out = nullptr;
    detail::check(airisk_issuer_exchange_at(
        get(), content_type ? detail::present(*content_type) : nullptr,
        content_type ? content_type->size() : 0, detail::present(body), body.size(), now, &out));
    return response(out);
  }
  /// POST /api/oauth2/Token from the full request: Content-Type, Authorization (client
  /// credentials: Basic), Accept (application/json preferred: RFC 6749 JSON error bodies)
  /// and the raw body; nullopt for a header the request does not have.
  response exchange_request(std::optional<std::string_view> content_type,
                            std::optional<std::string_view> authorization,
                            std::optional<std::string_view> accept, std::string_view body) const {
    airisk_response* out = nullptr;
    airisk_request request = make_request(content_type, authorization, accept, body);
    detail::check(airisk_issuer_exchange_request(get(), &request, &out));
    return response(out);
  }
  response exchange_request_at(std::optional<std::string_view> content_type,
                               std::optional<std::string_view> authorization,
                               std::optional<std::string_view> accept, std::string_view body,
                               uint64_t now) const {
    airisk_response* out = nullptr;
    airisk_request request = make_request(content_type, authorization, accept, body);
    detail::check(airisk_issuer_exchange_request_at(get(), &request, now, &out));
    return response(out);
  }
  /// POST .../revoke (RFC 7009) from the full request, as exchange_request: 200 with an
  /// empty body for any token; a refresh token revokes its family.
  response revoke(std::optional<std::string_view> content_type,
                  std::optional<std::string_view> authorization,
                  std::optional<std::string_view> accept, std::string_view body) const {
    airisk_response* out = nullptr;
    airisk_request request = make_request(content_type, authorization, accept, body);
    detail::check(airisk_issuer_revoke(get(), &request, &out));
    return response(out);
  }
  response revoke_at(std::optional<std::string_view> content_type,
                     std::optional<std::string_view> authorization,
                     std::optional<std::string_view> accept, std::string_view body,
                     uint64_t now) const {
    airisk_response* out = nullptr;
    airisk_request request = make_request(content_type, authorization, accept, body);
    detail::check(airisk_issuer_revoke_at(get(), &request, now, &out));
    return response(out);
  }
  /// POST .../introspect (RFC 7662) from the full request, as exchange_request (a
  /// resource server's credentials): {"active":true,...} or exactly {"active":false}.
  response introspect(std::optional<std::string_view> content_type,
                      std::optional<std::string_view> authorization,
                      std::optional<std::string_view> accept, std::string_view body) const {
    airisk_response* out = nullptr;
    airisk_request request = make_request(content_type, authorization, accept, body);
    detail::check(airisk_issuer_introspect(get(), &request, &out));
    return response(out);
  }
  response introspect_at(std::optional<std::string_view> content_type,
                         std::optional<std::string_view> authorization,
                         std::optional<std::string_view> accept, std::string_view body,
                         uint64_t now) const {
    airisk_response* out = nullptr;
    airisk_request request = make_request(content_type, authorization, accept, body);
    detail::check(airisk_issuer_introspect_at(get(), &request, now, &out));
    return response(out);
  }
  /// GET /.well-known/oauth-authorization-server (RFC 8414): the metadata document.
  response metadata() const {
    airisk_response* out = nullptr;
    detail::check(airisk_issuer_metadata(get(), &out));
    return response(out);
  }
  /// GET .../jwks: the public keys (an HS256-only issuer publishes none).
  response jwks() const {
    airisk_response* out = nullptr;
    detail::check(airisk_issuer_jwks(get(), &out));
    return response(out);
  }
  /// Revokes the grant of `client_id` for `userid` (nullopt: its generic grant): every
  /// token and code of it issued until now is refused. Throws airisk::error when the
  /// store could not record it (AIRISK_LEDGER_UNAVAILABLE, AIRISK_LEDGER_FULL).
  void revoke_grant(const std::string& client_id,
                    const std::optional<std::string>& userid = std::nullopt) const {
    detail::check(airisk_issuer_revoke_grant(get(), client_id.c_str(),
                                             userid ? userid->c_str() : nullptr));
  }
  void revoke_grant_at(const std::string& client_id, const std::optional<std::string>& userid,
                       uint64_t now) const {
    detail::check(airisk_issuer_revoke_grant_at(get(), client_id.c_str(),
                                                userid ? userid->c_str() : nullptr, now));
  }
  /// A verifier of this issuer's tokens (with its revocation list).
  airisk::verifier verifier() const {
    airisk_verifier* out = nullptr;
    detail::check(airisk_issuer_verifier(get(), &out));
    return airisk::verifier(out);
  }
  const airisk_issuer* get() const noexcept { return h_.get(); }

 private:
  static airisk_request make_request(std::optional<std::string_view> content_type,
                                     std::optional<std::string_view> authorization,
                                     std::optional<std::string_view> accept,
                                     std::string_view body) noexcept {
    airisk_request r{};
    if (content_type) {
      r.content_type = detail::present(*content_type);
      r.content_type_len = content_type->size();
    }
    if (authorization) {
      r.authorization = detail::present(*authorization);
      r.authorization_len = authorization->size();
    }
    if (accept) {
      r.accept = detail::present(*accept);
      r.accept_len = accept->size();
    }
    r.body = detail::present(body);
    r.body_len = body.size();
    return r;
  }
  detail::handle<airisk_issuer, airisk_issuer_free> h_;
};

}  // namespace airisk

#endif  // AIRISK_AUTH_HPP
