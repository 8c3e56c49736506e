#include <cstdint>
#include <cstdlib>
#include <set>
#include <vector>

#include <catch2/catch.hpp>

#include "lua_bridge/small_object_pool.hpp"

using namespace alc;

namespace {

std::uintptr_t address(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p);
}

/// Uses up the newest block. The pool grows only when an allocation failed
/// (as memory_cap does): the old block's tail is then below `largest`.
void fill(small_object_pool& pool) {
  while (pool.allocate(small_object_pool::largest) != nullptr) {
  }
}

}  // namespace

TEST_CASE("the pool handles objects of 1 to 256 bytes", "[pool]") {
  CHECK_FALSE(small_object_pool::handles(0));
  CHECK(small_object_pool::handles(1));
  CHECK(small_object_pool::handles(small_object_pool::largest));
  CHECK_FALSE(small_object_pool::handles(small_object_pool::largest + 1));
}

TEST_CASE("size classes are 8-byte granules", "[pool]") {
  CHECK(small_object_pool::same_class(1, 8));
  CHECK(small_object_pool::same_class(17, 24));
  CHECK_FALSE(small_object_pool::same_class(8, 9));
  CHECK_FALSE(small_object_pool::same_class(248, 256));
}

TEST_CASE("an empty pool serves nothing until it grows", "[pool]") {
  small_object_pool pool;
  CHECK(pool.reserved() == 0);
  CHECK(pool.allocate(16) == nullptr);
  REQUIRE(pool.grow());
  CHECK(pool.reserved() == 8192);
  void* p = pool.allocate(16);
  REQUIRE(p != nullptr);
  CHECK(pool.owns(p));
}

TEST_CASE("the pool grows by 8, 8, 16, 32 KiB and then stops at max_blocks", "[pool]") {
  small_object_pool pool;
  std::vector<std::size_t> growths;
  while (pool.growth() != 0) {
    fill(pool);
    growths.push_back(pool.growth());
    REQUIRE(pool.grow());
  }
  CHECK(growths == std::vector<std::size_t>{8192, 8192, 16384, 32768});
  CHECK(growths.size() == small_object_pool::max_blocks);
  CHECK(pool.reserved() == 65536);
  CHECK_FALSE(pool.grow());
  CHECK(pool.reserved() == 65536);
}

TEST_CASE("objects are 8-byte aligned, distinct and rounded up to their class", "[pool]") {
  small_object_pool pool;
  REQUIRE(pool.grow());
  std::set<std::uintptr_t> seen;
  std::uintptr_t previous = 0;
  for (int i = 0; i < 100; ++i) {
    void* p = pool.allocate(13);  // class of 16 bytes
    REQUIRE(p != nullptr);
    CHECK(address(p) % small_object_pool::granule == 0);
    CHECK(seen.insert(address(p)).second);
    if (previous != 0) CHECK(address(p) - previous == 16);
    previous = address(p);
  }
}

TEST_CASE("a freed object is reused for the same size class only", "[pool]") {
  small_object_pool pool;
  REQUIRE(pool.grow());
  void* p = pool.allocate(24);
  pool.release(p, 24);
  CHECK(pool.allocate(8) != p);   // another class: fresh memory
  CHECK(pool.allocate(17) == p);  // 17 and 24 share a class
  CHECK(pool.allocate(24) != p);  // taken again, not handed out twice
}

TEST_CASE("freed objects come back last in, first out", "[pool]") {
  small_object_pool pool;
  REQUIRE(pool.grow());
  void* a = pool.allocate(32);
  void* b = pool.allocate(32);
  pool.release(a, 32);
  pool.release(b, 32);
  CHECK(pool.allocate(32) == b);
  CHECK(pool.allocate(32) == a);
}

TEST_CASE("a full block serves nothing more until the pool grows", "[pool]") {
  small_object_pool pool;
  REQUIRE(pool.grow());
  for (int i = 0; i < 8192 / 256; ++i) REQUIRE(pool.allocate(256) != nullptr);
  CHECK(pool.allocate(8) == nullptr);
  REQUIRE(pool.grow());
  CHECK(pool.allocate(8) != nullptr);
}

TEST_CASE("growing keeps the old block's tail as a free object", "[pool]") {
  small_object_pool pool;
  REQUIRE(pool.grow());
  std::uintptr_t last = 0;
  for (int i = 0; i < 8192 / 200; ++i) last = address(pool.allocate(200));  // 40 x 200 bytes
  CHECK(pool.allocate(200) == nullptr);                                     // 192 bytes left
  REQUIRE(pool.grow());
  void* tail = pool.allocate(192);
  CHECK(address(tail) == last + 200);
}

TEST_CASE("the pool owns exactly the bytes of its blocks", "[pool]") {
  small_object_pool pool;
  void* outside = std::malloc(64);
  CHECK_FALSE(pool.owns(outside));
  REQUIRE(pool.grow());
  void* first = pool.allocate(8);
  CHECK(pool.owns(first));
  CHECK(pool.owns(static_cast<char*>(first) + 8191));
  CHECK_FALSE(pool.owns(static_cast<char*>(first) + 8192));  // one past the block
  CHECK_FALSE(pool.owns(outside));
  std::free(outside);
}

TEST_CASE("release_all returns every block and starts over", "[pool]") {
  small_object_pool pool;
  REQUIRE(pool.grow());
  fill(pool);
  REQUIRE(pool.grow());
  void* p = pool.allocate(64);
  pool.release(pool.allocate(64), 64);
  pool.release_all();
  CHECK(pool.reserved() == 0);
  CHECK_FALSE(pool.owns(p));
  CHECK(pool.allocate(64) == nullptr);  // neither the bump area nor the free list survive
  CHECK(pool.growth() == 8192);
}
