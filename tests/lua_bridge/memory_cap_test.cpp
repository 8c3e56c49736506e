#include <cstring>
#include <memory>

#include <catch2/catch.hpp>

#include "lua_bridge/memory_cap.hpp"

using namespace alc;

namespace {

// How Lua calls its allocator (lua_Alloc): a null ptr's old size is a type tag.
constexpr std::size_t table_tag = 5;

void* fresh(memory_cap& cap, std::size_t size) {
  return memory_cap::allocate(&cap, nullptr, table_tag, size);
}
void* resize(memory_cap& cap, void* p, std::size_t old_size, std::size_t new_size) {
  return memory_cap::allocate(&cap, p, old_size, new_size);
}
void drop(memory_cap& cap, void* p, std::size_t size) {
  CHECK(memory_cap::allocate(&cap, p, size, 0) == nullptr);
}

}  // namespace

TEST_CASE("a new object's type tag is not taken for a size", "[memory_cap]") {
  memory_cap cap(1 << 20);
  void* p = fresh(cap, 64);
  REQUIRE(p != nullptr);
  CHECK(cap.used() == 64);
  drop(cap, p, 64);
  CHECK(cap.used() == 0);
  CHECK_FALSE(cap.exceeded());
}

TEST_CASE("small objects take a pool block, large ones exactly their size", "[memory_cap]") {
  memory_cap cap(1 << 20);
  void* large = fresh(cap, small_object_pool::largest + 1);
  REQUIRE(large != nullptr);
  CHECK(cap.held() == small_object_pool::largest + 1);  // no pool block for it
  void* small = fresh(cap, 16);
  REQUIRE(small != nullptr);
  CHECK(cap.held() == 8192 + small_object_pool::largest + 1);
  CHECK(cap.used() == 16 + small_object_pool::largest + 1);
  drop(cap, large, small_object_pool::largest + 1);
  CHECK(cap.held() == 8192);  // the block stays until release_all
  drop(cap, small, 16);
  CHECK(cap.used() == 0);
}

TEST_CASE("a freed small object is reused by the next one of its class", "[memory_cap]") {
  memory_cap cap(1 << 20);
  void* p = fresh(cap, 40);
  drop(cap, p, 40);
  CHECK(fresh(cap, 33) == p);
}

TEST_CASE("an allocation past the limit is refused and exceeded stays set", "[memory_cap]") {
  memory_cap cap(64 * 1024);
  CHECK(fresh(cap, 100'000) == nullptr);
  CHECK(cap.exceeded());
  CHECK(cap.used() == 0);
  CHECK(cap.held() == 0);
  // Later allocations within the limit succeed, but the flag never clears:
  // the owner fails the session even if the script caught the error.
  void* p = fresh(cap, 1000);
  REQUIRE(p != nullptr);
  drop(cap, p, 1000);
  CHECK(cap.exceeded());
}

TEST_CASE("the limit counts pool blocks as held", "[memory_cap]") {
  memory_cap cap(10'000);
  REQUIRE(fresh(cap, 16) != nullptr);  // takes an 8192-byte block
  CHECK_FALSE(cap.exceeded());
  CHECK(fresh(cap, 2000) == nullptr);  // 8192 + 2000 > 10000
  CHECK(cap.exceeded());
  void* large = fresh(cap, 1800);  // 8192 + 1800 <= 10000
  CHECK(large != nullptr);
  drop(cap, large, 1800);  // malloc'd objects are the caller's to free, as Lua frees them
}

TEST_CASE("growing a large object is refused past the limit and keeps it", "[memory_cap]") {
  memory_cap cap(4000);
  auto* p = static_cast<char*>(fresh(cap, 3000));
  REQUIRE(p != nullptr);
  std::memset(p, 'x', 3000);
  CHECK(resize(cap, p, 3000, 5000) == nullptr);
  CHECK(cap.exceeded());
  CHECK(cap.used() == 3000);  // the old object is untouched
  CHECK(cap.held() == 3000);
  CHECK(p[2999] == 'x');
  drop(cap, p, 3000);
}

TEST_CASE("raise_limit admits what the old limit refused", "[memory_cap]") {
  memory_cap cap(1000);
  CHECK(fresh(cap, 2000) == nullptr);
  cap.raise_limit(1000);
  CHECK(cap.limit() == 2000);
  void* p = fresh(cap, 2000);
  CHECK(p != nullptr);
  drop(cap, p, 2000);
}

TEST_CASE("a shrinking reallocation is never refused", "[memory_cap]") {
  memory_cap cap(10'000);
  auto* big = static_cast<char*>(fresh(cap, 9000));
  REQUIRE(big != nullptr);
  std::memset(big, 'k', 9000);
  // Into the pool: its first block (8192) would not fit beside 9000 held.
  auto* small = static_cast<char*>(resize(cap, big, 9000, 100));
  REQUIRE(small != nullptr);
  CHECK_FALSE(cap.exceeded());
  CHECK(cap.used() == 100);
  CHECK(cap.held() == 8192);
  CHECK(std::string(small, 100) == std::string(100, 'k'));
  drop(cap, small, 100);
}

TEST_CASE("reallocation keeps content and accounting across pool and malloc", "[memory_cap]") {
  memory_cap cap(1 << 20);
  auto* p = static_cast<char*>(fresh(cap, 20));
  std::memcpy(p, "0123456789abcdefghi", 20);
  SECTION("within a size class the object stays in place") {
    CHECK(resize(cap, p, 20, 24) == p);
    CHECK(cap.used() == 24);
    drop(cap, p, 24);
  }
  SECTION("from the pool to malloc and back") {
    auto* large = static_cast<char*>(resize(cap, p, 20, 1000));
    REQUIRE(large != nullptr);
    CHECK(std::string(large) == "0123456789abcdefghi");
    CHECK(cap.used() == 1000);
    CHECK(cap.held() == 8192 + 1000);
    auto* larger = static_cast<char*>(resize(cap, large, 1000, 3000));
    REQUIRE(larger != nullptr);
    CHECK(cap.held() == 8192 + 3000);
    auto* back = static_cast<char*>(resize(cap, larger, 3000, 30));
    REQUIRE(back != nullptr);
    CHECK(cap.held() == 8192);
    CHECK(std::string(back, 19) == "0123456789abcdefghi");
    drop(cap, back, 30);
  }
  CHECK(cap.used() == 0);
}

TEST_CASE("release_all gives the pool's blocks back", "[memory_cap]") {
  memory_cap cap(1 << 20);
  for (int i = 0; i < 100; ++i) REQUIRE(fresh(cap, 128) != nullptr);
  CHECK(cap.held() > 8192);
  cap.release_all();  // what the owner does after lua_close
  CHECK(cap.held() == 0);
}

TEST_CASE("caps sharing a family account hold at most its limit together and give it all back",
          "[memory_cap]") {
  auto family = std::make_shared<memory_account>(3 << 20);
  {
    memory_cap first(2 << 20, family);
    memory_cap second(2 << 20, family);
    void* a = fresh(first, 1536 << 10);
    REQUIRE(a != nullptr);
    CHECK(family->held() == first.held());
    // Within its own limit, past the family's: refused, and said so.
    CHECK(fresh(second, 1800 << 10) == nullptr);
    CHECK(second.exceeded());
    CHECK(second.family_exceeded());
    void* b = fresh(second, 1400 << 10);
    REQUIRE(b != nullptr);
    CHECK(family->held() == first.held() + second.held());
    // Growing is charged too: 264 KiB more do not fit in what is left.
    void* grown = resize(first, a, 1536 << 10, 1800 << 10);
    CHECK(grown == nullptr);
    CHECK(first.family_exceeded());
    drop(first, a, 1536 << 10);
    CHECK(family->held() == second.held());
    drop(second, b, 1400 << 10);
    // The caps' own refusals stay theirs.
    memory_cap third(1 << 10, family);
    CHECK(fresh(third, 4 << 10) == nullptr);
    CHECK(third.exceeded());
    CHECK_FALSE(third.family_exceeded());
  }
  CHECK(family->held() == 0);
}
