#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "lua_bridge/chunk_cache.hpp"

using namespace alc;

TEST_CASE("a chunk cache misses until the chunk is stored, then hits", "[chunk_cache]") {
  chunk_cache cache;
  CHECK(cache.find("main", "return 1") == nullptr);
  CHECK(cache.misses() == 1);
  CHECK(cache.hits() == 0);
  cache.store("main", "return 1", "BYTECODE");
  const auto found = cache.find("main", "return 1");
  REQUIRE(found != nullptr);
  CHECK(*found == "BYTECODE");
  CHECK(cache.hits() == 1);
  CHECK(cache.misses() == 1);
  CHECK(cache.entries() == 1);
  CHECK(cache.bytes() == std::string("BYTECODE").size() + std::string("return 1").size());
}

TEST_CASE("the cache key is name and source together", "[chunk_cache]") {
  chunk_cache cache;
  cache.store("a", "return 1", "A1");
  cache.store("a", "return 2", "A2");  // same name, other source
  cache.store("b", "return 1", "B1");  // same source, other name
  CHECK(cache.entries() == 3);
  CHECK(*cache.find("a", "return 1") == "A1");
  CHECK(*cache.find("a", "return 2") == "A2");
  CHECK(*cache.find("b", "return 1") == "B1");
  CHECK(cache.find("b", "return 2") == nullptr);
  // Swapping the parts must not alias (a hash of name + source would).
  cache.store("x", "yz", "XYZ");
  CHECK(cache.find("xy", "z") == nullptr);
}

TEST_CASE("storing a chunk twice keeps the first and counts it once", "[chunk_cache]") {
  chunk_cache cache;
  cache.store("m", "src", "first");
  const auto bytes = cache.bytes();
  cache.store("m", "src", "second");
  CHECK(cache.entries() == 1);
  CHECK(cache.bytes() == bytes);
  CHECK(*cache.find("m", "src") == "first");
}

TEST_CASE("the cache drops its oldest chunks to stay within its byte bound", "[chunk_cache]") {
  chunk_cache cache(30);                 // each chunk below takes 10 bytes
  cache.store("one", "12345", "abcde");  // oldest
  cache.store("two", "12345", "abcde");
  cache.store("three", "12345", "abcde");
  CHECK(cache.entries() == 3);
  const auto kept = cache.find("one", "12345");  // use does not refresh: FIFO, not LRU
  cache.store("four", "12345", "abcde");
  CHECK(cache.entries() == 3);
  CHECK(cache.bytes() == 30);
  CHECK(cache.find("one", "12345") == nullptr);
  CHECK(cache.find("two", "12345") != nullptr);
  CHECK(cache.find("four", "12345") != nullptr);
  // Bytecode handed out earlier outlives its eviction.
  REQUIRE(kept != nullptr);
  CHECK(*kept == "abcde");
}

TEST_CASE("a chunk larger than the whole bound is not stored and evicts nothing", "[chunk_cache]") {
  chunk_cache cache(16);
  cache.store("small", "ab", "cd");
  cache.store("huge", std::string(10, 's'), std::string(10, 'b'));
  CHECK(cache.entries() == 1);
  CHECK(cache.find("huge", std::string(10, 's')) == nullptr);
  CHECK(cache.find("small", "ab") != nullptr);
}

TEST_CASE("one cache serves concurrent finds and stores consistently", "[chunk_cache]") {
  chunk_cache cache;
  constexpr int threads = 4;
  constexpr int rounds = 2000;
  std::atomic<int> wrong{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&cache, &wrong] {
      for (int i = 0; i < rounds; ++i) {
        // Every thread races on the same 50 keys, as VMs compiling one script do.
        const std::string source = "return " + std::to_string(i % 50);
        if (auto found = cache.find("shared", source)) {
          if (*found != "bc:" + source) ++wrong;
        } else {
          cache.store("shared", source, "bc:" + source);
        }
      }
    });
  }
  for (auto& worker : workers) worker.join();
  CHECK(wrong == 0);
  CHECK(cache.entries() == 50);  // a raced store is not duplicated
  CHECK(cache.hits() + cache.misses() == std::size_t{threads * rounds});
  CHECK(cache.misses() >= 50);
}
