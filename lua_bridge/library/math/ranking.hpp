#pragma once
// Ranking and information-retrieval measures (alc-math.md §10).
#include <cstddef>

#include "lua_bridge/library/math/checked.hpp"

namespace alc::math {

/// 1-based average ranks in input order; `order` is n slots of workspace.
void rank(const double* data, std::size_t n, double* ranks, std::size_t* order) noexcept;
/// Pearson of the two rank vectors; `ranks` is 2n slots, `order` n slots of workspace.
checked<double> spearman(const double* xs, const double* ys, std::size_t n, double* ranks,
                         std::size_t* order) noexcept;
/// Tau-b over all pairs (ties by total order).
checked<double> kendall_tau(const double* xs, const double* ys, std::size_t n) noexcept;
/// Linear-gain NDCG@k; `sorted` is n slots of workspace.
double ndcg(const double* relevance, std::size_t n, std::size_t k, double* sorted) noexcept;
/// Mean reciprocal rank; every rank an integer >= 1.
checked<double> mrr(const double* ranks, std::size_t n) noexcept;

}  // namespace alc::math
