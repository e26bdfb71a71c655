// ConfigBinding: an Options struct's members filled from config keys,
// declared once beside the code that owns the struct, as fluent-bit's
// config_map does (each entry names the key and the member it fills):
//
//   constexpr ConfigBinding<StoreOptions> kStoreBindings[] = {
//       {"store.path", &StoreOptions::path},
//       {"store.max_templates", &StoreOptions::max_templates},
//   };
//   StoreOptions o;
//   BindConfig(config, kStoreBindings, &o);
//
// The key is a KeyName, so a name that is not in the table does not compile
// (common/config_schema.h). The member's type picks the reader: bool, int,
// int64_t, size_t, double, std::string, std::vector<std::string>. The table
// keeps the only default, range and doc of each key; what a binding cannot say
// (a computed default such as the store's XDG path, a check across keys)
// stays in the module's FromConfig, after BindConfig.
//
// A member whose type does not fit its key's table type (a kDouble key bound
// to an int, an int bound to a key whose range passes INT_MAX) asserts at the
// first BindConfig; each module's FromConfig runs in its tests, so such a
// binding cannot reach a user.
//
// Thread safety: bindings are constants; BindConfig writes only *out.
#ifndef LOGSIEVE_COMMON_CONFIG_BINDING_H_
#define LOGSIEVE_COMMON_CONFIG_BINDING_H_

#include <cassert>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "common/config.h"

namespace logsieve {

template <typename Options>
struct ConfigBinding {
  using Member =
      std::variant<bool Options::*, int Options::*, int64_t Options::*, size_t Options::*,
                   double Options::*, std::string Options::*, std::vector<std::string> Options::*>;
  KeyName key;
  Member member;
};

namespace config_binding_internal {

inline void Read(const Config& c, KeyName k, bool* v) { *v = c.GetBool(k); }
inline void Read(const Config& c, KeyName k, int* v) {
  assert(k.key().min.value_or(INT_MIN - 1.0) >= INT_MIN &&
         k.key().max.value_or(INT_MAX + 1.0) <= INT_MAX && "an int bound to a wider key");
  *v = static_cast<int>(c.GetInt(k));
}
inline void Read(const Config& c, KeyName k, int64_t* v) { *v = c.GetInt(k); }
inline void Read(const Config& c, KeyName k, size_t* v) { *v = c.GetSize(k); }
inline void Read(const Config& c, KeyName k, double* v) { *v = c.GetDouble(k); }
inline void Read(const Config& c, KeyName k, std::string* v) { *v = c.GetString(k); }
inline void Read(const Config& c, KeyName k, std::vector<std::string>* v) {
  *v = c.GetStringList(k);
}

}  // namespace config_binding_internal

// Sets each bound member of *out from `config`, in the bindings' order.
template <typename Options>
void BindConfig(const Config& config, std::span<const ConfigBinding<Options>> bindings,
                Options* out) {
  for (const ConfigBinding<Options>& b : bindings) {
    std::visit([&](auto member) { config_binding_internal::Read(config, b.key, &(out->*member)); },
               b.member);
  }
}
template <typename Options, size_t N>
void BindConfig(const Config& config, const ConfigBinding<Options> (&bindings)[N], Options* out) {
  BindConfig(config, std::span<const ConfigBinding<Options>>(bindings), out);
}

}  // namespace logsieve

#endif  // LOGSIEVE_COMMON_CONFIG_BINDING_H_
