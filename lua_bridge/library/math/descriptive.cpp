#include "lua_bridge/library/math/descriptive.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

namespace alc::math {

// Flips the magnitude bits of negatives, so integer order is total order.
int64_t total_order_key(double v) noexcept {
  int64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits ^ static_cast<int64_t>(static_cast<uint64_t>(bits >> 63) >> 1);
}

void sort_total(double* data, std::size_t n) noexcept {
  std::sort(data, data + n,
            [](double a, double b) { return total_order_key(a) < total_order_key(b); });
}

double mean(const double* data, std::size_t n) noexcept {
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) sum += data[i];
  return sum / static_cast<double>(n);
}

double variance(const double* data, std::size_t n) noexcept {
  if (n < 2) return 0.0;
  double running_mean = 0.0;
  double m2 = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double delta = data[i] - running_mean;
    running_mean += delta / static_cast<double>(i + 1);
    m2 += delta * (data[i] - running_mean);
  }
  return m2 / static_cast<double>(n - 1);
}

double stddev(const double* data, std::size_t n) noexcept {
  return std::sqrt(variance(data, n));
}

double percentile_of_sorted(const double* sorted, std::size_t n, double p) noexcept {
  if (n == 1) return sorted[0];
  const double rank = (p / 100.0) * static_cast<double>(n - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const double fraction = rank - static_cast<double>(lo);
  if (lo + 1 >= n) return sorted[n - 1];
  return sorted[lo] + fraction * (sorted[lo + 1] - sorted[lo]);
}

double covariance(const double* xs, const double* ys, std::size_t n) noexcept {
  double mean_x = 0.0, mean_y = 0.0, c = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double k = static_cast<double>(i + 1);
    const double dx = xs[i] - mean_x;
    mean_x += dx / k;
    mean_y += (ys[i] - mean_y) / k;
    c += dx * (ys[i] - mean_y);
  }
  return c / static_cast<double>(n - 1);
}

checked<double> correlation(const double* xs, const double* ys, std::size_t n) noexcept {
  const double mean_x = mean(xs, n);
  const double mean_y = mean(ys, n);
  double cov = 0.0, var_x = 0.0, var_y = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = xs[i] - mean_x;
    const double dy = ys[i] - mean_y;
    cov += dx * dy;
    var_x += dx * dx;
    var_y += dy * dy;
  }
  const double denominator = std::sqrt(var_x * var_y);
  if (denominator == 0.0) return checked<double>::fail("zero variance");
  return {cov / denominator};
}

void softmax(const double* data, std::size_t n, double* out) noexcept {
  double max = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i) max = std::max(max, data[i]);
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = std::exp(data[i] - max);
    sum += out[i];
  }
  for (std::size_t i = 0; i < n; ++i) out[i] /= sum;
}

std::size_t first_non_positive(const double* data, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    if (data[i] <= 0.0) return i;
  }
  return n;
}

void log_normalize(const double* data, std::size_t n, double* out) noexcept {
  double max = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i) max = std::max(max, data[i]);
  const double log_max = std::log(1.0 + max);
  for (std::size_t i = 0; i < n; ++i) out[i] = std::log(1.0 + data[i]) / log_max * 100.0;
}

void histogram(const double* data, std::size_t n, std::size_t bins, uint64_t* counts,
               double* edges) noexcept {
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i) {
    min = std::min(min, data[i]);
    max = std::max(max, data[i]);
  }
  std::fill(counts, counts + bins, uint64_t{0});
  const double range = max - min;
  double width;
  if (range <= std::fabs(max) * std::numeric_limits<double>::epsilon()) {
    // All values (numerically) equal: one full bin.
    counts[0] = n;
    width = 1.0 / static_cast<double>(bins);
  } else {
    width = range / static_cast<double>(bins);
    for (std::size_t i = 0; i < n; ++i) {
      auto index = static_cast<std::size_t>((data[i] - min) / width);
      if (index >= bins) index = bins - 1;
      ++counts[index];
    }
  }
  for (std::size_t i = 0; i <= bins; ++i) edges[i] = min + static_cast<double>(i) * width;
}

void moving_average(const double* data, std::size_t n, std::size_t window, double* out) noexcept {
  const auto w = static_cast<double>(window);
  double sum = 0.0;
  for (std::size_t i = 0; i < window; ++i) sum += data[i];
  out[0] = sum / w;
  for (std::size_t i = window; i < n; ++i) {
    sum += data[i] - data[i - window];  // running update, never recomputed
    out[i - window + 1] = sum / w;
  }
}

void ewma(const double* data, std::size_t n, double alpha, double* out) noexcept {
  out[0] = data[0];
  for (std::size_t i = 1; i < n; ++i) out[i] = alpha * data[i] + (1.0 - alpha) * out[i - 1];
}

checked<double> autocorrelation(const double* data, std::size_t n, std::size_t lag) noexcept {
  if (lag == 0) return {1.0};
  const double m = mean(data, n);
  double total = 0.0;
  for (std::size_t i = 0; i < n; ++i) total += (data[i] - m) * (data[i] - m);
  if (total == 0.0) return checked<double>::fail("zero variance");
  double lagged = 0.0;
  for (std::size_t i = 0; i + lag < n; ++i) lagged += (data[i] - m) * (data[i + lag] - m);
  return {lagged / total};
}

std::size_t factorial_count(std::size_t n) noexcept {
  std::size_t count = 1;
  for (std::size_t i = 2; i <= n; ++i) count *= i;
  return count;
}

void permutations(std::size_t n, int64_t* out) noexcept {
  if (n == 0 || n > max_permutation_size) return;
  int64_t a[max_permutation_size];
  std::size_t c[max_permutation_size] = {};
  for (std::size_t i = 0; i < n; ++i) a[i] = static_cast<int64_t>(i + 1);
  const std::size_t count = n;
  std::size_t row = 0;
  const auto emit = [&] { std::copy(a, a + count, out + count * row++); };
  emit();
  std::size_t i = 0;
  while (i < count) {
    if (c[i] < i) {
      if (i % 2 == 0) {
        std::swap(a[0], a[i]);
      } else {
        std::swap(a[c[i]], a[i]);
      }
      emit();
      ++c[i];
      i = 0;
    } else {
      c[i] = 0;
      ++i;
    }
  }
}

}  // namespace alc::math
