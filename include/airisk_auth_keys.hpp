// airisk_auth_keys.hpp: key sets in C++, made in code or loaded, and typed claims to mint.
// Part of airisk_auth.hpp, which includes it: include that header, not this one.
//
// - airisk::keyset: a loaded or built key set (airisk_keyset); keyset::mint signs
//   airisk::token_claims, a builder of the claims, so no claims JSON is written by hand.
// - airisk::keyset_builder: HS256 keys from raw secrets (an environment variable's bytes),
//   generated HS256 / Ed25519 keys and JWKs, built into a keyset (airisk_keyset_builder).
// - Secrets: the C library copies a secret into memory it wipes; strings it returns are
//   wiped when freed. A std::string this layer returns (keyset::to_json(true)) is the
//   caller's copy and is not wiped: store it and clear it, or use the C API.
#ifndef AIRISK_AUTH_KEYS_HPP
#define AIRISK_AUTH_KEYS_HPP

#ifndef AIRISK_AUTH_HPP
#error "include airisk_auth.hpp (it includes airisk_auth_keys.hpp)"
#endif

#include <chrono>
#include <cstdio>
#include <map>
#include <random>

namespace airisk {

namespace detail {
/// `s` as a JSON string literal, quotes included (RFC 8259 §7).
inline std::string json_string(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(byte));
      out += escaped;
    } else {
      out += c;  // UTF-8 passes through; the library refuses text that is not UTF-8
    }
  }
  out += '"';
  return out;
}

/// Whether `json` can only be one JSON value where a member value is expected: no `,` or
/// `:` outside strings and brackets, brackets balanced. The library parses the whole
/// claims document, so anything else that is not JSON is refused there; this check keeps a
/// value from closing its object and adding members of its own.
inline bool one_json_value(std::string_view json) {
  long depth = 0;
  bool in_string = false, escaped = false, any = false;
  for (char c : json) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    any = true;
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') depth++;
    else if ((c == '}' || c == ']') && --depth < 0) return false;
    else if ((c == ',' || c == ':') && depth == 0) return false;
  }
  return any && depth == 0 && !in_string;
}

/// 128 random bits in hex: a token's unique `jti` (an identifier, not a secret).
inline std::string random_jti() {
  std::random_device device;
  std::string out;
  for (int i = 0; i < 4; i++) {
    char part[9];
    std::snprintf(part, sizeof part, "%08x", static_cast<unsigned>(device()));
    out += part;
  }
  return out;
}

inline uint64_t now_unix() {
  const auto since = std::chrono::system_clock::now().time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since).count();
  return seconds > 0 ? static_cast<uint64_t>(seconds) : 0;
}
}  // namespace detail

/// The claims of an access token to mint, set by name instead of written as JSON.
///
///   auto token = keys.mint(airisk::token_claims("https://airisk.example", "abc123", 3600)
///                              .userid("user_42").scope("conversations:read")
///                              .custom_bool("admin", false));
///
/// A generic token (sub = client_id) unless userid() makes it a user token (sub = userid).
/// iat is the system clock's time unless issued_at() sets it; exp = iat + ttl. jti is 128
/// random bits unless jti() sets it. Custom claims are extra members of the token (not a
/// registered name: those are refused with AIRISK_INVALID_CLAIMS when minting).
class token_claims {
 public:
  /// Claims issued by `issuer` to `client_id`, valid for `ttl` seconds.
  token_claims(std::string issuer, std::string client_id, uint64_t ttl)
      : iss_(std::move(issuer)), client_id_(std::move(client_id)), ttl_(ttl) {}
  /// Makes the token a user token acting for `userid` (its sub).
  token_claims& userid(std::string userid) {
    sub_ = std::move(userid);
    user_token_ = true;
    return *this;
  }
  /// sub of a generic token (default: the client_id).
  token_claims& sub(std::string sub) {
    sub_ = std::move(sub);
    return *this;
  }
  token_claims& company_id(std::string company_id) {
    company_id_ = std::move(company_id);
    return *this;
  }
  /// Adds one audience (aud).
  token_claims& audience(std::string audience) {
    aud_.push_back(std::move(audience));
    return *this;
  }
  /// The granted scopes, space-separated (RFC 9068 §2.2.3).
  token_claims& scope(std::string scope) {
    scope_ = std::move(scope);
    return *this;
  }
  token_claims& jti(std::string jti) {
    jti_ = std::move(jti);
    return *this;
  }
  /// iat, Unix seconds (default: now); exp is iat + ttl.
  token_claims& issued_at(uint64_t iat) {
    iat_ = iat;
    return *this;
  }
  /// nbf, Unix seconds.
  token_claims& not_before(uint64_t nbf) {
    nbf_ = nbf;
    return *this;
  }
  /// A custom claim whose value is the string `value` (escaped here).
  token_claims& custom_string(const std::string& name, std::string_view value) {
    custom_[name] = detail::json_string(value);
    return *this;
  }
  /// A custom claim whose value is the integer `value`.
  token_claims& custom_int(const std::string& name, int64_t value) {
    custom_[name] = std::to_string(value);
    return *this;
  }
  /// A custom claim whose value is `true` or `false`.
  token_claims& custom_bool(const std::string& name, bool value) {
    custom_[name] = value ? "true" : "false";
    return *this;
  }
  /// A custom claim whose value is the JSON text `json` (an object, array, number, ...).
  /// Throws airisk::error (AIRISK_INVALID_CLAIMS) unless it is one value; for text from
  /// elsewhere use custom_string.
  token_claims& custom_json(const std::string& name, std::string_view json) {
    if (!detail::one_json_value(json)) throw error(AIRISK_INVALID_CLAIMS);
    custom_[name] = std::string(json);
    return *this;
  }
  /// The claims in the JSON form airisk_keyset_mint_json reads.
  std::string to_json() const {
    const uint64_t iat = iat_ ? *iat_ : detail::now_unix();
    std::string j = "{\"iss\":" + detail::json_string(iss_);
    j += ",\"sub\":" + detail::json_string(sub_ ? *sub_ : client_id_);
    j += ",\"aud\":[";
    for (size_t i = 0; i < aud_.size(); i++) j += (i ? "," : "") + detail::json_string(aud_[i]);
    j += "],\"client_id\":" + detail::json_string(client_id_);
    j += std::string(",\"user_token\":") + (user_token_ ? "true" : "false");
    j += ",\"company_id\":" + (company_id_ ? detail::json_string(*company_id_) : "null");
    j += ",\"iat\":" + std::to_string(iat);
    j += ",\"nbf\":" + (nbf_ ? std::to_string(*nbf_) : "null");
    // Past the largest date the library accepts, so that minting refuses it.
    j += ",\"exp\":" + (iat + ttl_ < iat ? std::string("18446744073709551615")
                                         : std::to_string(iat + ttl_));
    j += ",\"jti\":" + detail::json_string(jti_ ? *jti_ : detail::random_jti());
    if (scope_) j += ",\"scope\":" + detail::json_string(*scope_);
    if (!custom_.empty()) {
      j += ",\"custom\":{";
      bool first = true;
      for (const auto& [name, value] : custom_) {
        j += (first ? "" : ",") + detail::json_string(name) + ":" + value;
        first = false;
      }
      j += "}";
    }
    return j + "}";
  }

 private:
  std::string iss_, client_id_;
  uint64_t ttl_;
  std::optional<std::string> sub_, company_id_, scope_, jti_;
  bool user_token_ = false;
  std::vector<std::string> aud_;
  std::optional<uint64_t> iat_, nbf_;
  std::map<std::string, std::string> custom_;
};

/// A key set (airisk_keyset): loaded from JSON, made from a secret, or built with
/// airisk::keyset_builder. Immutable: share it between threads freely.
class keyset {
 public:
  /// From a JWKS-like JSON document (private keys allowed, optional "active_kid").
  static keyset from_json(std::string_view json) {
    airisk_keyset* out = nullptr;
    detail::check(airisk_keyset_from_json(detail::present(json), json.size(), &out));
    return keyset(out);
  }
  /// A key set of the one key of a JWK.
  static keyset from_jwk(std::string_view json) {
    airisk_keyset* out = nullptr;
    detail::check(airisk_keyset_from_jwk(detail::present(json), json.size(), &out));
    return keyset(out);
  }
  /// From a file in the from_json format.
  static keyset from_file(const std::string& path) {
    airisk_keyset* out = nullptr;
    detail::check(airisk_keyset_from_file(path.c_str(), &out));
    return keyset(out);
  }
  /// One active HS256 key from a raw secret of 32 to 1024 bytes, e.g. the bytes of an
  /// environment variable (airisk_keyset_from_hs256_secret); `kid` may be null.
  static keyset from_hs256_secret(std::string_view secret, const char* kid = nullptr) {
    airisk_keyset* out = nullptr;
    detail::check(airisk_keyset_from_hs256_secret(
        reinterpret_cast<const uint8_t*>(detail::present(secret)), secret.size(), kid, &out));
    return keyset(out);
  }
  /// The public keys as JWKS text.
  std::string jwks() const {
    char* out = nullptr;
    detail::check(airisk_keyset_to_jwks(get(), &out));
    return detail::take_string(out);
  }
  /// The whole set in the from_json format (airisk_keyset_to_json), secrets included when
  /// `include_private` (then the returned string is a secret: see the top of this header).
  std::string to_json(bool include_private) const {
    char* out = nullptr;
    detail::check(airisk_keyset_to_json(get(), include_private, &out));
    return detail::take_string(out);
  }
  /// Signs typed claims with the active key.
  std::string mint(const token_claims& claims) const { return mint_json(claims.to_json()); }
  /// Signs claims given as JSON (see airisk_keyset_mint_json).
  std::string mint_json(std::string_view claims_json) const {
    char* out = nullptr;
    detail::check(
        airisk_keyset_mint_json(get(), detail::present(claims_json), claims_json.size(), &out));
    return detail::take_string(out);
  }
  /// Signs an arbitrary JWS with the active key (see airisk_dangerous_sign_jws).
  std::string sign_jws(std::string_view header_json, std::string_view payload) const {
    char* out = nullptr;
    detail::check(airisk_dangerous_sign_jws(get(), detail::present(header_json), header_json.size(),
                                  detail::present(payload), payload.size(), &out));
    return detail::take_string(out);
  }
  const airisk_keyset* get() const noexcept { return h_.get(); }
  /// Takes ownership of a key set obtained from the C API.
  explicit keyset(airisk_keyset* owned) : h_(owned) {}

 private:
  detail::handle<airisk_keyset, airisk_keyset_free> h_;
};

/// Keys gathered in code, then built into a keyset (airisk_keyset_builder). Each call
/// checks its key (weak secret, duplicate kid) and throws airisk::error without adding it.
class keyset_builder {
 public:
  keyset_builder() {
    airisk_keyset_builder* out = nullptr;
    detail::check(airisk_keyset_builder_new(&out));
    h_.reset(out);
  }
  /// An HS256 key from a raw secret of 32 to 1024 bytes (AIRISK_WEAK_KEY under 32).
  keyset_builder& add_hs256_secret(const std::string& kid, std::string_view secret) {
    detail::check(airisk_keyset_builder_add_hs256_secret(
        h_.get(), kid.c_str(), reinterpret_cast<const uint8_t*>(detail::present(secret)),
        secret.size()));
    return *this;
  }
  /// A new random HS256 key.
  keyset_builder& generate_hs256(const std::string& kid) {
    detail::check(airisk_keyset_builder_generate_hs256(h_.get(), kid.c_str()));
    return *this;
  }
  /// A new random Ed25519 key pair.
  keyset_builder& generate_ed25519(const std::string& kid) {
    detail::check(airisk_keyset_builder_generate_ed25519(h_.get(), kid.c_str()));
    return *this;
  }
  /// The key of a JWK (RFC 7517), private members allowed.
  keyset_builder& add_jwk(std::string_view json) {
    detail::check(airisk_keyset_builder_add_jwk(h_.get(), detail::present(json), json.size()));
    return *this;
  }
  /// The key that signs (default: the only signing-capable key).
  keyset_builder& set_active(const std::string& kid) {
    detail::check(airisk_keyset_builder_set_active(h_.get(), kid.c_str()));
    return *this;
  }
  /// Moves the keys into a new keyset; the builder is empty afterwards.
  keyset build() {
    airisk_keyset* out = nullptr;
    detail::check(airisk_keyset_builder_build(h_.get(), &out));
    return keyset(out);
  }

 private:
  detail::handle<airisk_keyset_builder, airisk_keyset_builder_free> h_;
};

}  // namespace airisk

#endif  // AIRISK_AUTH_KEYS_HPP
