#pragma once
// Figures as short human text, for the progress lines and the tables.

#include <cstddef>
#include <string>

#include "bench/session/figure.hpp"

namespace alc_bench {

std::string count_text(double n);           ///< 1234567 -> "1.23M"
std::string in_flight_text(std::size_t n);  ///< 10000 -> "10k" (exact multiples only)
std::string micros_text(double us);         ///< µs, ms or s, three digits
std::string bytes_text(double b);           ///< KiB, MiB or GiB
std::string ratio_text(double r);           ///< 1.5 -> "1.50×"
/// "p50 / p99" of a distribution, "—" when it has no samples.
std::string p50_p99_text(const distribution& d);

}  // namespace alc_bench
