// airisk_auth_store.hpp: where an issuer keeps single use and revocation, in C++.
// Part of airisk_auth.hpp, which includes it: include that header, not this one.
//
// - airisk::store: a service's own store (virtual redeem/revoke/is_revoked), adapted
//   to the C callbacks (airisk_store_callbacks); exceptions never reach the library.
// - airisk::store_handle: memory(), redis(url), postgres(dsn) or an airisk::store.
#ifndef AIRISK_AUTH_STORE_HPP
#define AIRISK_AUTH_STORE_HPP

#ifndef AIRISK_AUTH_HPP
#error "include airisk_auth.hpp (it includes airisk_auth_store.hpp)"
#endif

namespace airisk {


/// The answer of store::redeem: never a bool, whose meaning ("first use"? "a
/// replay"?) an adapter ported from another language could invert. Any value
/// other than these two makes the library fail closed (503).
enum class redemption : uint32_t {
  /// This call redeemed the code first: the library issues a token.
  first = AIRISK_REDEMPTION_FIRST,
  /// The code had already been redeemed: refused, and its token revoked.
  replayed = AIRISK_REDEMPTION_REPLAYED,
};

/// Single use and revocation kept by the application, e.g. in a store shared
/// by the instances of a service (see airisk_store_callbacks).
/// Methods are called concurrently from every thread using the issuer or its
/// verifiers, so they must be thread-safe. An exception never reaches the
/// library: it makes it fail closed (exchange and bearer check answer 503).
/// The issuer and its verifiers share ownership of the store.
class store {
 public:
  virtual ~store() = default;
  /// Atomically marks the code redeemed, remembering it at least until
  /// `expires_at`: redemption::first for the first call, redemption::replayed
  /// after. Of concurrent calls with one id, across every process sharing the
  /// store, exactly one may answer redemption::first.
  virtual redemption redeem(const std::array<uint8_t, 16>& code_id, uint64_t expires_at,
                            uint64_t now) = 0;
  /// Revokes the token id `jti` until `until` (keep the later one when repeated).
  virtual void revoke(std::string_view jti, uint64_t until, uint64_t now) = 0;
  /// Whether `jti` is revoked at `now`. Called on every verification: keep it fast.
  virtual bool is_revoked(std::string_view jti, uint64_t now) = 0;
};

namespace detail {
/// The C callbacks over a heap-held std::shared_ptr<store> (the user_data).
struct store_callbacks {
  static store& self(void* user_data) { return **static_cast<std::shared_ptr<store>*>(user_data); }
  static uint32_t redeem(void* user_data, const uint8_t* code_id, uint64_t expires_at,
                         uint64_t now, uint32_t* redemption) noexcept try {
    std::array<uint8_t, 16> id;
    std::copy(code_id, code_id + id.size(), id.begin());
    // Passed on as it is: a value outside the enum fails closed in the library.
    *redemption = static_cast<uint32_t>(self(user_data).redeem(id, expires_at, now));
    return AIRISK_OK;
  } catch (...) {
    return AIRISK_LEDGER_UNAVAILABLE;
  }
  static uint32_t revoke(void* user_data, const char* jti, size_t len, uint64_t until,
                         uint64_t now) noexcept try {
    self(user_data).revoke(std::string_view(jti, len), until, now);
    return AIRISK_OK;
  } catch (...) {
    return AIRISK_LEDGER_UNAVAILABLE;
  }
  static uint32_t is_revoked(void* user_data, const char* jti, size_t len, uint64_t now,
                             uint32_t* revoked) noexcept try {
    *revoked = self(user_data).is_revoked(std::string_view(jti, len), now) ? AIRISK_JTI_REVOKED
                                                                           : AIRISK_JTI_NOT_REVOKED;
    return AIRISK_OK;
  } catch (...) {
    return AIRISK_LEDGER_UNAVAILABLE;
  }
  static void release(void* user_data) noexcept {
    delete static_cast<std::shared_ptr<store>*>(user_data);
  }
};
}  // namespace detail

/// Where an issuer keeps single use and revocation (airisk_store): move-only;
/// the issuers built with it keep the store alive after this handle is gone.
class store_handle {
 public:
  /// This process's memory only (airisk_store_memory_new; 0: the default capacity).
  static store_handle memory(size_t capacity = 0) {
    airisk_store* out = nullptr;
    detail::check(airisk_store_memory_new(capacity, &out));
    return store_handle(out);
  }
  /// The Rust Redis store (airisk_store_redis_new; `options` may be null).
  static store_handle redis(const std::string& url,
                            const airisk_redis_options* options = nullptr) {
    airisk_store* out = nullptr;
    detail::check(airisk_store_redis_new(url.c_str(), options, &out));
    return store_handle(out);
  }
  /// The Rust PostgreSQL store (airisk_store_postgres_new; `options` may be null).
  static store_handle postgres(const std::string& dsn,
                               const airisk_postgres_options* options = nullptr) {
    airisk_store* out = nullptr;
    detail::check(airisk_store_postgres_new(dsn.c_str(), options, &out));
    return store_handle(out);
  }
  /// The application's own store (airisk_store_callbacks_new over `store`, not
  /// null), which lives as long as this handle or an issuer or verifier using it.
  static store_handle from(std::shared_ptr<airisk::store> store) {
    if (!store) throw error(AIRISK_INVALID_ARGUMENT);
    auto owned = std::make_unique<std::shared_ptr<airisk::store>>(std::move(store));
    using cb = detail::store_callbacks;
    // Members not set here (the optional lifecycle groups) stay NULL: absent.
    airisk_store_callbacks callbacks{};
    callbacks.user_data = owned.get();
    callbacks.redeem = cb::redeem;
    callbacks.revoke = cb::revoke;
    callbacks.is_revoked = cb::is_revoked;
    callbacks.release = cb::release;
    airisk_store* out = nullptr;
    detail::check(airisk_store_callbacks_new(&callbacks, &out));
    owned.release();  // the library owns it now; cb::release deletes it
    return store_handle(out);
  }
  const airisk_store* get() const noexcept { return h_.get(); }

 private:
  explicit store_handle(airisk_store* p) : h_(p) {}
  detail::handle<airisk_store, airisk_store_free> h_;
};

}  // namespace airisk

#endif  // AIRISK_AUTH_STORE_HPP
