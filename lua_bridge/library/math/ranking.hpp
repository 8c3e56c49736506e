#pragma once
// Ranking and information-retrieval measures (alc-math.md §10).
#include <cstddef>

#include "lua_bridge/library/math/checked.hpp"
#include "lua_bridge/work_budget.hpp"

namespace alc::math {

/// 1-based average ranks in input order; `order` is n slots of workspace.
void rank(const double* data, std::size_t n, double* ranks, std::size_t* order) noexcept;
/// Pearson of the two rank vectors; `ranks` is 2n slots, `order` n slots of workspace.
checked<double> spearman(const double* xs, const double* ys, std::size_t n, double* ranks,
                         std::size_t* order) noexcept;
/// Tau-b over all pairs (ties by total order): n^2 / 2 comparisons, so it
/// spends `budget` and fails once that is exhausted.
checked<double> kendall_tau(const double* xs, const double* ys, std::size_t n,
                            work_budget& budget) noexcept;
inline checked<double> kendall_tau(const double* xs, const double* ys, std::size_t n) noexcept {
  work_budget unlimited;
  return kendall_tau(xs, ys, n, unlimited);
}
/// Linear-gain NDCG@k; `sorted` is n slots of workspace.
double ndcg(const double* relevance, std::size_t n, std::size_t k, double* sorted) noexcept;
/// Mean reciprocal rank; every rank an integer >= 1.
checked<double> mrr(const double* ranks, std::size_t n) noexcept;

}  // namespace alc::math
