#pragma once
// Information theory in nats (alc-math.md §11). A distribution must sum to 1
// within 1e-6 (fixed, as in 0.3.0).
#include <cstddef>

#include "lua_bridge/library/math/checked.hpp"

namespace alc::math {

checked<double> entropy(const double* p, std::size_t n) noexcept;
checked<double> kl_divergence(const double* p, std::size_t np, const double* q,
                              std::size_t nq) noexcept;
/// `mixture` is n slots of workspace.
checked<double> js_divergence(const double* p, std::size_t np, const double* q, std::size_t nq,
                              double* mixture) noexcept;
checked<double> cross_entropy(const double* p, std::size_t np, const double* q,
                              std::size_t nq) noexcept;

}  // namespace alc::math
