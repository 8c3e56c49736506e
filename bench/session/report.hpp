#pragma once
// The session benchmark's record: every figure and target as one JSON line,
// on stdout and in DIR/results.jsonl, the moment it is known.

#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/session/figure.hpp"

namespace alc_bench {

class figure_log {
 public:
  /// Writes to `out_dir`/results.jsonl (the directory must exist).
  explicit figure_log(const std::string& out_dir);

  /// The machine, the libraries and the allocator of this run.
  void record_machine(bool quick);
  void record(figure f);
  void record(target t);

  const std::vector<figure>& figures() const { return figures_; }
  const std::vector<target>& targets() const { return targets_; }

 private:
  void write(const nlohmann::json& line);

  std::ofstream jsonl_;
  std::vector<figure> figures_;
  std::vector<target> targets_;
};

}  // namespace alc_bench
