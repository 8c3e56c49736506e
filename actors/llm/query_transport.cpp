#include "actors/llm/query_transport.hpp"

#include <ctime>
#include <utility>

#include "actors/llm/exec_provider.hpp"
#include "actors/llm/http_status.hpp"
#include "actors/llm/http_transport.hpp"
#include "actors/llm/process_transport.hpp"
#include "actors/llm/providers.hpp"

namespace alc::llm {
namespace {

class http_queries final : public query_transport {
 public:
  http_queries(const llm_endpoint& endpoint, std::string api_key, std::function<void()> ready)
      : provider_(make_http_provider(endpoint, std::move(api_key))),
        http_(http_transport::limits{endpoint.timeout, endpoint.max_response_bytes,
                                     endpoint.max_concurrency},
              std::move(ready)) {}

  void submit(uint64_t job, const llm_query& query) override {
    http_.submit(job, provider_->request(query));
  }
  void abort(uint64_t job) override { http_.abort(job); }

  // Responses are read here, on the caller's thread, so the I/O thread only moves bytes.
  std::vector<finished> take_finished() override {
    std::vector<finished> out;
    const std::time_t now = std::time(nullptr);
    for (auto& done : http_.take_finished()) {
      if (auto* reply = std::get_if<http_reply>(&done.result)) {
        out.push_back(finished{done.job, provider_->answer(*reply, now)});
      } else {
        out.push_back(finished{done.job, failure_of(std::get<transfer_error>(done.result))});
      }
    }
    return out;
  }

 private:
  std::unique_ptr<http_provider> provider_;
  http_transport http_;
};

class process_queries final : public query_transport {
 public:
  process_queries(const llm_endpoint& endpoint, std::function<void()> ready)
      : processes_(endpoint.command,
                   process_transport::limits{endpoint.timeout, endpoint.max_response_bytes},
                   std::move(ready)) {}

  void submit(uint64_t job, const llm_query& query) override {
    processes_.submit(job, exec_input(query));
  }
  void abort(uint64_t job) override { processes_.abort(job); }
  std::vector<finished> take_finished() override {
    std::vector<finished> out;
    for (auto& done : processes_.take_finished()) {
      out.push_back(finished{done.job, std::move(done.outcome)});
    }
    return out;
  }

 private:
  process_transport processes_;
};

}  // namespace

std::unique_ptr<query_transport> make_query_transport(const llm_endpoint& endpoint,
                                                      std::string api_key,
                                                      std::function<void()> ready) {
  if (endpoint.provider == llm_provider::exec) {
    return std::make_unique<process_queries>(endpoint, std::move(ready));
  }
  return std::make_unique<http_queries>(endpoint, std::move(api_key), std::move(ready));
}

}  // namespace alc::llm
