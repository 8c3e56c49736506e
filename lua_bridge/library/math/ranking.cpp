#include "lua_bridge/library/math/ranking.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

#include "lua_bridge/library/math/descriptive.hpp"

namespace alc::math {
namespace {

int total_compare(double a, double b) {
  const int64_t ka = total_order_key(a), kb = total_order_key(b);
  return ka < kb ? -1 : (ka > kb ? 1 : 0);
}

double discounted_gain(const double* relevance, std::size_t k) {
  double sum = 0.0;
  for (std::size_t i = 0; i < k; ++i) sum += relevance[i] / std::log2(2.0 + static_cast<double>(i));
  return sum;
}

}  // namespace

void rank(const double* data, std::size_t n, double* ranks, std::size_t* order) noexcept {
  std::iota(order, order + n, std::size_t{0});
  std::stable_sort(order, order + n, [data](std::size_t a, std::size_t b) {
    return total_order_key(data[a]) < total_order_key(data[b]);
  });
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && data[order[j]] == data[order[i]]) ++j;
    const double average_rank = static_cast<double>(i + 1 + j) / 2.0;
    for (std::size_t k = i; k < j; ++k) ranks[order[k]] = average_rank;
    i = j;
  }
}

checked<double> spearman(const double* xs, const double* ys, std::size_t n, double* ranks,
                         std::size_t* order) noexcept {
  double* rx = ranks;
  double* ry = ranks + n;
  rank(xs, n, rx, order);
  rank(ys, n, ry, order);
  const checked<double> r = correlation(rx, ry, n);
  if (!r.ok()) return checked<double>::fail("zero variance in ranks");
  return r;
}

checked<double> kendall_tau(const double* xs, const double* ys, std::size_t n,
                            work_budget& budget) noexcept {
  int64_t concordant = 0, discordant = 0, ties_x = 0, ties_y = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (budget.spend(n - i)) return checked<double>::fail("out of time");
    for (std::size_t j = i + 1; j < n; ++j) {
      const int dx = total_compare(xs[i], xs[j]);
      const int dy = total_compare(ys[i], ys[j]);
      if (dx == 0 && dy == 0) {
        ++ties_x, ++ties_y;
      } else if (dx == 0) {
        ++ties_x;
      } else if (dy == 0) {
        ++ties_y;
      } else if (dx == dy) {
        ++concordant;
      } else {
        ++discordant;
      }
    }
  }
  const double n0 = static_cast<double>(n) * static_cast<double>(n - 1) / 2.0;
  const double denominator =
      std::sqrt((n0 - static_cast<double>(ties_x)) * (n0 - static_cast<double>(ties_y)));
  if (denominator == 0.0) return checked<double>::fail("zero variance (all values tied)");
  return {static_cast<double>(concordant - discordant) / denominator};
}

double ndcg(const double* relevance, std::size_t n, std::size_t k, double* sorted) noexcept {
  if (k == 0 || n == 0) return 0.0;
  k = std::min(k, n);
  const double dcg = discounted_gain(relevance, k);
  std::copy(relevance, relevance + n, sorted);
  std::stable_sort(sorted, sorted + n,
                   [](double a, double b) { return total_order_key(a) > total_order_key(b); });
  const double idcg = discounted_gain(sorted, k);
  if (idcg == 0.0) return 0.0;
  return dcg / idcg;
}

checked<double> mrr(const double* ranks, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    if (ranks[i] < 1.0) return checked<double>::fail("rank values must be >= 1");
    if (ranks[i] != std::trunc(ranks[i]))
      return checked<double>::fail("rank values must be integers");
  }
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) sum += 1.0 / ranks[i];
  return {sum / static_cast<double>(n)};
}

}  // namespace alc::math
