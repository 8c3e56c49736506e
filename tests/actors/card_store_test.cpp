// The card store (alc-card.md §2-§6): card_service over card_files in a
// real directory, with a clock the test sets.
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <sstream>

#include <catch2/catch.hpp>

#include "actors/card_files.hpp"
#include "actors/card_service.hpp"
#include "actors/card_text.hpp"
#include "actors/card_toml.hpp"
#include "tests/actors/file_size_limit.hpp"
#include "tests/temp_dir.hpp"

using namespace alc;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr int64_t new_year = 1767225599;  // 2025-12-31T23:59:59Z

std::string slurp(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

/// A card store in a fresh directory; `now` is its clock.
class store_fixture {
 public:
  store_fixture() { reopen(); }

  /// A new service over the same directory, as after a restart.
  void reopen() {
    cards_ = std::make_unique<card_service>(std::make_unique<card_files>(root()),
                                            [now = now_] { return *now; });
  }

  fs::path root() const { return dir_.path() / "cards"; }
  void set_time(int64_t seconds) { *now_ = seconds; }
  const test::temp_dir& dir() const { return dir_; }

  json ok(card_op op, std::vector<json> args) {
    auto outcome = cards_->execute(card_call{op, std::move(args)});
    if (const auto* error = std::get_if<std::string>(&outcome)) FAIL(*error);
    return std::get<json>(outcome);
  }

  std::string error(card_op op, std::vector<json> args) {
    auto outcome = cards_->execute(card_call{op, std::move(args)});
    if (const auto* value = std::get_if<json>(&outcome)) FAIL("no error, got " << value->dump());
    return std::get<std::string>(outcome);
  }

  /// Creates a card with an explicit id; returns it.
  std::string card(const std::string& pkg, const std::string& id, json fields = json::object()) {
    fields["pkg"]["name"] = pkg;
    fields["card_id"] = id;
    return ok(card_op::create, {fields})["card_id"].get<std::string>();
  }

 private:
  test::temp_dir dir_;
  std::shared_ptr<int64_t> now_ = std::make_shared<int64_t>(new_year);
  std::unique_ptr<card_service> cards_;
};

std::vector<std::string> ids_of(const json& rows) {
  std::vector<std::string> ids;
  for (const auto& row : rows) ids.push_back(row["card_id"].get<std::string>());
  return ids;
}

}  // namespace

TEST_CASE("create fills in the card's identity and stores it as TOML", "[card]") {
  store_fixture store;
  const json input = {{"pkg", {{"name", "cot"}}},
                      {"model", {{"id", "claude-opus-4-6"}}},
                      {"params", {{"temperature", 0.5}, {"n", 3}}},
                      {"stats", {{"pass_rate", 0.75}}}};
  const json created = store.ok(card_op::create, {input});
  const std::string id = created["card_id"];
  const json card = store.ok(card_op::get, {id});

  CHECK(card["schema_version"] == "card/v0");
  CHECK(card["created_at"] == "2025-12-31T23:59:59Z");
  CHECK_THAT(card["created_by"].get<std::string>(), Catch::StartsWith("alc@"));
  CHECK(card["param_fingerprint"] ==
        card_text::hex16(card_text::djb2_64(R"({"n":3,"temperature":0.5})")));
  CHECK(card["card_id"] == id);

  // The id: pkg, short model, UTC time, the last six hex digits of the
  // card's hash as it stood before the id was added.
  json before = card;
  before.erase("card_id");
  const std::string hash = card_text::hex16(card_text::djb2_64(card_text::canonical(before)));
  CHECK(id == "cot_opus46_20251231T235959_" + hash.substr(10));

  const fs::path file = store.root() / "cot" / (id + ".toml");
  CHECK(created["path"] == fs::absolute(file).string());
  auto stored = card_toml::read(slurp(file));
  REQUIRE(std::holds_alternative<json>(stored));
  CHECK(std::get<json>(stored) == card);
  CHECK(card["stats"]["pass_rate"].is_number_float());
  CHECK(card["params"]["n"].is_number_integer());
}

TEST_CASE("the model part of an id keeps letters and digits of model.id", "[card]") {
  store_fixture store;
  auto id_for = [&](json model) {
    json input = {{"pkg", {{"name", "p"}}}};
    if (!model.is_null()) input["model"] = {{"id", model}};
    const std::string id = store.ok(card_op::create, {input})["card_id"];
    return id.substr(2, id.find("_2025") - 2);
  };
  CHECK(id_for("claude-opus-4-6") == "opus46");
  CHECK(id_for("gpt-4o-mini") == "4omini");
  CHECK(id_for("Llama 3.1 (8B)") == "Llama318B");
  CHECK(id_for("claude-") == "model");
  CHECK(id_for(nullptr) == "model");
  CHECK(id_for(42) == "model");
}

TEST_CASE("create keeps what the caller set and recomputes the fingerprint", "[card]") {
  store_fixture store;
  const json card = store.ok(
      card_op::get, {store.ok(card_op::create, {{{"pkg", {{"name", "p"}}},
                                                 {"card_id", "mine"},
                                                 {"created_at", "yesterday"},
                                                 {"created_by", "me"},
                                                 {"schema_version", "card/v9"},
                                                 {"params", {{"k", "v"}}},
                                                 {"param_fingerprint", "stale"}}})["card_id"]});
  CHECK(card["card_id"] == "mine");
  CHECK(card["created_at"] == "yesterday");
  CHECK(card["created_by"] == "me");
  CHECK(card["schema_version"] == "card/v9");
  CHECK(card["param_fingerprint"] == card_text::hex16(card_text::djb2_64(R"({"k":"v"})")));

  // An empty or non-string card_id is replaced by a generated one; params
  // that are not a table get no fingerprint.
  const std::string first = store.ok(
      card_op::create, {{{"pkg", {{"name", "q"}}}, {"card_id", ""}, {"params", 1}}})["card_id"];
  CHECK_THAT(first, Catch::StartsWith("q_model_20251231T235959_"));
  CHECK_FALSE(store.ok(card_op::get, {first}).contains("param_fingerprint"));
  const std::string second =
      store.ok(card_op::create, {{{"pkg", {{"name", "q"}}}, {"card_id", 7}}})["card_id"];
  CHECK_THAT(second, Catch::StartsWith("q_model_20251231T235959_"));
  CHECK(second != first);
}

TEST_CASE("create refuses bad input with the original's messages, writing nothing", "[card]") {
  store_fixture store;
  CHECK(store.error(card_op::create, {"text"}) == "alc.card.create: input must be a table");
  CHECK(store.error(card_op::create, {json::array({1})}) ==
        "alc.card.create: input must be a table");
  CHECK(store.error(card_op::create, {json::object()}) == "alc.card.create: pkg.name is required");
  CHECK(store.error(card_op::create, {{{"pkg", {{"name", 5}}}}}) ==
        "alc.card.create: pkg.name is required");
  CHECK(store.error(card_op::create, {{{"pkg", "cot"}}}) ==
        "alc.card.create: pkg.name is required");
  for (const std::string& bad :
       std::vector<std::string>{"", "a/b", "a\\b", "..", "x..y", std::string("nul\0", 4)}) {
    INFO(bad);
    CHECK(store.error(card_op::create, {{{"pkg", {{"name", bad}}}}}) ==
          "Invalid pkg name: '" + bad + "'");
    if (bad.empty()) continue;  // an empty card_id is replaced by a generated one
    CHECK(store.error(card_op::create, {{{"pkg", {{"name", "ok"}}}, {"card_id", bad}}}) ==
          "Invalid card_id name: '" + bad + "'");
  }
  CHECK_FALSE(fs::exists(store.root() / "ok"));
  // Names are otherwise free: spaces, dots and Unicode are fine.
  CHECK(store.card("my pkg.v2", "run ü 1") == "run ü 1");
}

TEST_CASE("cards are immutable: a second create of an id fails and changes nothing", "[card]") {
  store_fixture store;
  const json input = {{"pkg", {{"name", "p"}}}, {"stats", {{"n", 1}}}};
  const std::string id = store.ok(card_op::create, {input})["card_id"];
  const fs::path file = store.root() / "p" / (id + ".toml");
  const std::string before = slurp(file);
  // The same card within the same second has the same id.
  CHECK(store.error(card_op::create, {input}) ==
        "alc.card.create: card '" + id + "' already exists (immutable)");
  CHECK(store.error(card_op::create, {{{"pkg", {{"name", "p"}}}, {"card_id", id}, {"x", 2}}}) ==
        "alc.card.create: card '" + id + "' already exists (immutable)");
  CHECK(slurp(file) == before);
  // A second later the same content is a new card.
  store.set_time(new_year + 1);
  CHECK(store.ok(card_op::create, {input})["card_id"] != id);
}

TEST_CASE("get returns nil for an absent card and names an unreadable one", "[card]") {
  store_fixture store;
  CHECK(store.ok(card_op::get, {"nothing"}).is_null());
  store.dir().write("cards/p/broken.toml", "a = [1,");
  CHECK_THAT(store.error(card_op::get, {"broken"}),
             Catch::StartsWith("Failed to parse card 'broken': "));
  CHECK(store.error(card_op::get, {"../etc"}) == "Invalid card_id name: '../etc'");
  CHECK(store.error(card_op::get, {5}) == "alc.card.get: card_id must be a string");
}

TEST_CASE("append adds new top-level keys, all or nothing", "[card]") {
  store_fixture store;
  const std::string id = store.card("p", "c1", {{"stats", {{"n", 1}}}});
  const json merged = store.ok(card_op::append, {id, {{"review", {{"ok", true}}}, {"note", "x"}}});
  CHECK(merged["review"] == json({{"ok", true}}));
  CHECK(merged["stats"] == json({{"n", 1}}));
  CHECK(store.ok(card_op::get, {id}) == merged);

  const fs::path file = store.root() / "p" / "c1.toml";
  const std::string before = slurp(file);
  CHECK(store.error(card_op::append, {id, {{"fresh", 1}, {"stats", 2}}}) ==
        "alc.card.append: key 'stats' already set on card 'c1' (immutable)");
  CHECK(slurp(file) == before);  // `fresh` was not added either
  CHECK(store.error(card_op::append, {"c9", {{"a", 1}}}) == "alc.card.append: card 'c9' not found");
  CHECK(store.error(card_op::append, {id, json::array({1, 2})}) ==
        "alc.card.append: fields must be a table");
  // A restart sees the appended card.
  store.reopen();
  CHECK(store.ok(card_op::get, {id})["note"] == "x");
}

TEST_CASE("samples are written once, as sorted compact JSON lines", "[card][samples]") {
  store_fixture store;
  const std::string id = store.card("p", "c1");
  const json rows = {{{"z", 1}, {"a", "x y"}}, 2.5, "text", json::array({1, nullptr})};
  const json written = store.ok(card_op::write_samples, {id, rows});
  const fs::path file = store.root() / "p" / "c1.samples.jsonl";
  CHECK(written == json({{"path", fs::absolute(file).string()}, {"count", 4}}));
  CHECK(slurp(file) == "{\"a\":\"x y\",\"z\":1}\n2.5\n\"text\"\n[1,null]\n");
  CHECK(store.ok(card_op::read_samples, {id}) == rows);

  CHECK(store.error(card_op::write_samples, {id, json::array({1})}) ==
        "alc.card.write_samples: samples already exist for card 'c1' (write-once)");
  CHECK(slurp(file) == "{\"a\":\"x y\",\"z\":1}\n2.5\n\"text\"\n[1,null]\n");
  CHECK(store.error(card_op::write_samples, {id, json::object()}) ==
        "alc.card.write_samples: samples must be an array");
  CHECK(store.error(card_op::write_samples, {"c9", json::array({1})}) == "card 'c9' not found");
}

TEST_CASE("read_samples filters, then skips, then caps", "[card][samples]") {
  store_fixture store;
  const std::string id = store.card("p", "c1");
  json rows = json::array();
  for (int i = 0; i < 6; ++i) rows.push_back({{"i", i}, {"ok", i % 2 == 0}});
  store.ok(card_op::write_samples, {id, rows});

  CHECK(store.ok(card_op::read_samples, {id, {{"offset", 4}}}) == json({rows[4], rows[5]}));
  CHECK(store.ok(card_op::read_samples, {id, {{"limit", 2}}}) == json({rows[0], rows[1]}));
  CHECK(store.ok(card_op::read_samples, {id, {{"limit", 0}}}) == json::array());
  CHECK(store.ok(card_op::read_samples,
                 {id, {{"where", {{"ok", true}}}, {"offset", 1}, {"limit", 1}}}) ==
        json({rows[2]}));
  CHECK(store.ok(card_op::read_samples, {id, {{"where", {{"i", {{"gte", 3}}}}}}}) ==
        json({rows[3], rows[4], rows[5]}));
  CHECK(store.error(card_op::read_samples, {id, {{"limit", -1}}}) ==
        "alc.card.read_samples: limit must be a non-negative integer");
  CHECK(store.error(card_op::read_samples, {"c9"}) == "card 'c9' not found");
  // A card without samples has none.
  CHECK(store.ok(card_op::read_samples, {store.card("p", "c2")}) == json::array());
}

TEST_CASE("read_samples skips blank lines and names a bad one, counting from 0",
          "[card][samples]") {
  store_fixture store;
  store.card("p", "c1");
  store.dir().write("cards/p/c1.samples.jsonl", "{\"a\":1}\n\n  \n{oops\n{\"a\":2}\n");
  CHECK(store.ok(card_op::read_samples, {"c1", {{"limit", 1}}}) == json({{{"a", 1}}}));
  CHECK_THAT(store.error(card_op::read_samples, {"c1"}),
             Catch::StartsWith("Failed to parse sample line 3: "));
}

TEST_CASE("list gives summaries, newest first, of readable cards", "[card][list]") {
  store_fixture store;
  store.card("a", "a1", {{"created_at", "2026-01-02T00:00:00Z"}, {"stats", {{"pass_rate", 1}}}});
  store.card("a", "a2",
             {{"created_at", "2026-01-03T00:00:00Z"},
              {"model", {{"id", "m"}}},
              {"scenario", {{"name", "s"}}},
              {"stats", {{"pass_rate", 0.5}}}});
  store.card("b", "b1", {{"created_at", "2026-01-02T00:00:00Z"}});
  store.dir().write("cards/b/no_date.toml", "[pkg]\nname = \"b\"\n");  // no created_at, no card_id
  store.dir().write("cards/b/torn.toml", "card_id = \"to");
  store.dir().write("cards/b/b1.toml.tmp.1.1", "card_id = \"half");

  const json rows = store.ok(card_op::list, {});
  CHECK(ids_of(rows) == std::vector<std::string>{"a2", "b1", "a1", "no_date"});
  CHECK(rows[0] == json({{"card_id", "a2"},
                         {"pkg", "a"},
                         {"created_at", "2026-01-03T00:00:00Z"},
                         {"model", "m"},
                         {"scenario", "s"},
                         {"pass_rate", 0.5}}));
  CHECK(rows[2]["pass_rate"] == 1);  // integers count too (alc: superset)
  CHECK(rows[3] == json({{"card_id", "no_date"}, {"pkg", "b"}}));

  CHECK(ids_of(store.ok(card_op::list, {{{"pkg", "a"}}})) == std::vector<std::string>{"a2", "a1"});
  CHECK(store.ok(card_op::list, {{{"pkg", "none"}}}) == json::array());
  CHECK(store.error(card_op::list, {{{"pkg", "../b"}}}) == "Invalid pkg name: '../b'");
}

TEST_CASE("find filters with where, orders by keys, then pages", "[card][find]") {
  store_fixture store;
  store.card("p", "c1",
             {{"created_at", "1"},
              {"stats", {{"pass_rate", 0.9}, {"n", 10}}},
              {"model", {{"id", "claude-x"}}},
              {"tags", json::array({"a", "b"})}});
  store.card(
      "p", "c2",
      {{"created_at", "2"}, {"stats", {{"pass_rate", 1}, {"n", 5}}}, {"model", {{"id", "gpt-y"}}}});
  store.card("q", "c3", {{"created_at", "3"}, {"stats", {{"n", 7}}}, {"flag", false}});
  auto found = [&](json query) { return ids_of(store.ok(card_op::find, {std::move(query)})); };
  using ids = std::vector<std::string>;

  CHECK(found(json::object()) == ids{"c3", "c2", "c1"});
  CHECK(found({{"pkg", "p"}}) == ids{"c2", "c1"});
  // eq: numbers as floats; sections; arrays compared whole.
  CHECK(found({{"where", {{"stats", {{"pass_rate", 1.0}}}}}}) == ids{"c2"});
  CHECK(found({{"where", {{"tags", json::array({"a", "b"})}}}}) == ids{"c1"});
  CHECK(found({{"where", {{"tags", json::array({"a"})}}}}) == ids{});
  CHECK(found({{"where", {{"pkg", "p"}}}}) == ids{});  // pkg is a table: never equal to a string
  CHECK(found({{"where", {{"pkg", {{"name", "q"}}}}}}) == ids{"c3"});
  CHECK(found({{"where", {{"stats", json::object()}}}}) == ids{"c3", "c2", "c1"});
  // Operators.
  CHECK(found({{"where", {{"stats", {{"n", {{"gt", 5}, {"lte", 10}}}}}}}}) == ids{"c3", "c1"});
  CHECK(found({{"where", {{"stats", {{"pass_rate", {{"ne", 1}}}}}}}}) == ids{"c3", "c1"});
  CHECK(found({{"where", {{"created_at", {{"lt", "2"}}}}}}) == ids{"c1"});
  CHECK(found({{"where", {{"flag", {{"lt", true}}}}}}) == ids{"c3"});
  CHECK(found({{"where", {{"stats", {{"n", {{"in", json::array({5, 7})}}}}}}}}) == ids{"c3", "c2"});
  CHECK(found({{"where", {{"stats", {{"n", {{"in", 5}}}}}}}}) == ids{});
  CHECK(found({{"where", {{"stats", {{"pass_rate", {{"nin", json::array({1})}}}}}}}}) ==
        ids{"c3", "c1"});
  CHECK(found({{"where", {{"flag", {{"exists", true}}}}}}) == ids{"c3"});
  CHECK(found({{"where", {{"flag", {{"exists", false}}}}}}) == ids{"c2", "c1"});
  CHECK(found({{"where", {{"model", {{"id", {{"contains", "-x"}}}}}}}}) == ids{"c1"});
  CHECK(found({{"where", {{"model", {{"id", {{"starts_with", "gpt"}}}}}}}}) == ids{"c2"});
  CHECK(found({{"where", {{"tags", {{"contains", "a"}}}}}}) == ids{});      // strings only
  CHECK(found({{"where", {{"stats", {{"n", {{"gt", "1"}}}}}}}}) == ids{});  // incomparable
  // Combinators, at the current path.
  CHECK(found({{"where", {{"_or", {{{"flag", false}}, {{"stats", {{"n", 5}}}}}}}}}) ==
        ids{"c3", "c2"});
  CHECK(found({{"where", {{"_not", {{"pkg", {{"name", "p"}}}}}}}}) == ids{"c3"});
  CHECK(
      found({{"where", {{"stats", {{"_and", {{{"n", {{"gte", 7}}}}, {{"pass_rate", 0.9}}}}}}}}}) ==
      ids{"c1"});
  // order_by, then newest first for ties; a missing value sorts last
  // ascending and first descending.
  CHECK(found({{"order_by", "stats.pass_rate"}}) == ids{"c1", "c2", "c3"});
  CHECK(found({{"order_by", "-stats.pass_rate"}}) == ids{"c3", "c2", "c1"});
  CHECK(found({{"order_by", json::array({"-pkg.name", "stats.n"})}}) == ids{"c3", "c2", "c1"});
  CHECK(found({{"order_by", "stats.n"}, {"offset", 1}, {"limit", 1}}) == ids{"c3"});
  CHECK(found({{"order_by", "stats.n"}, {"offset", 5}}) == ids{});
  CHECK(found({{"limit", 2.0}}) == ids{"c3", "c2"});
  // find's summaries include integer pass rates, as list's do.
  CHECK(store.ok(card_op::find, {{{"where", {{"stats", {{"n", 5}}}}}}})[0]["pass_rate"] == 1);
}

TEST_CASE("find names what is wrong with a query", "[card][find]") {
  store_fixture store;
  store.card("p", "c1");
  auto error = [&](json query) { return store.error(card_op::find, {std::move(query)}); };
  CHECK(error({{"where", {{"_and", {{"a", 1}}}}}}) == "_and must be an array of sub-predicates");
  CHECK(error({{"where", {{"_or", 3}}}}) == "_or must be an array of sub-predicates");
  CHECK(error({{"where", {{"x", {{"_or", json::array({1})}}}}}}) ==
        "_or must be an array of sub-predicates");
  CHECK(error({{"order_by", ""}}) == "order_by key must not be empty");
  CHECK(error({{"order_by", "-"}}) == "invalid order_by key: '-'");
  CHECK(error({{"order_by", "a..b"}}) == "invalid order_by key: 'a..b'");
  CHECK(error({{"order_by", 5}}) == "order_by must be a string or array of strings");
  CHECK(error({{"order_by", json::array({"a", 1})}}) ==
        "order_by must be a string or array of strings");
  CHECK(error({{"limit", 1.5}}) == "alc.card.find: limit must be a non-negative integer");
  CHECK(error({{"offset", "1"}}) == "alc.card.find: offset must be a non-negative integer");
  CHECK(error({{"pkg", "a/b"}}) == "Invalid pkg name: 'a/b'");
  CHECK(store.error(card_op::find, {"x"}) == "alc.card.find: query must be a table");
}

TEST_CASE("aliases point at cards, and setting one again moves it last", "[card][alias]") {
  store_fixture store;
  store.card("p", "c1");
  store.card("p", "c2");
  CHECK(store.ok(card_op::alias_set, {"best", "c1", {{"pkg", "p"}, {"note", "first"}}}) ==
        json({{"name", "best"},
              {"card_id", "c1"},
              {"pkg", "p"},
              {"set_at", "2025-12-31T23:59:59Z"},
              {"note", "first"}}));
  store.ok(card_op::alias_set, {"base", "c2"});
  store.set_time(new_year + 60);
  store.ok(card_op::alias_set, {"best", "c2", {{"pkg", "p"}}});

  const json all = store.ok(card_op::alias_list, {});
  REQUIRE(all.size() == 2);
  CHECK(all[0] == json({{"name", "base"}, {"card_id", "c2"}, {"set_at", "2025-12-31T23:59:59Z"}}));
  CHECK(
      all[1] ==
      json(
          {{"name", "best"}, {"card_id", "c2"}, {"pkg", "p"}, {"set_at", "2026-01-01T00:00:59Z"}}));
  CHECK(store.ok(card_op::alias_list, {{{"pkg", "p"}}}).size() == 1);
  CHECK(store.ok(card_op::get_by_alias, {"best"})["card_id"] == "c2");
  CHECK(store.ok(card_op::get_by_alias, {"nope"}).is_null());

  CHECK(store.error(card_op::alias_set, {"x", "c9"}) == "alc.card.alias_set: card 'c9' not found");
  CHECK(store.error(card_op::alias_set, {"a/b", "c1"}) == "Invalid alias name: 'a/b'");
  CHECK(store.error(card_op::get_by_alias, {".."}) == "Invalid alias name: '..'");
  // The table is TOML: [[alias]] entries.
  CHECK_THAT(slurp(store.root() / "_aliases.toml"), Catch::StartsWith("[[alias]]\n"));
  store.reopen();
  CHECK(store.ok(card_op::alias_list, {}) == all);
}

TEST_CASE("the alias table skips entries it cannot use and reports dangling ones",
          "[card][alias]") {
  store_fixture store;
  store.card("p", "c1");
  store.dir().write("cards/_aliases.toml",
                    "[[alias]]\nname = \"no_card\"\n\n"
                    "[[alias]]\ncard_id = \"c1\"\n\n"
                    "[[alias]]\nname = \"ok\"\ncard_id = \"c1\"\n\n"
                    "[[alias]]\nname = \"gone\"\ncard_id = \"c9\"\n");
  CHECK(store.ok(card_op::alias_list, {}) ==
        json({{{"name", "ok"}, {"card_id", "c1"}, {"set_at", ""}},
              {{"name", "gone"}, {"card_id", "c9"}, {"set_at", ""}}}));
  CHECK(store.error(card_op::get_by_alias, {"gone"}) ==
        "alc.card.get_by_alias: alias 'gone' points at missing card 'c9'");
  // Setting an alias keeps the entries it does not replace.
  store.ok(card_op::alias_set, {"gone", "c1"});
  auto table = card_toml::read(slurp(store.root() / "_aliases.toml"));
  REQUIRE(std::holds_alternative<json>(table));
  CHECK(std::get<json>(table)["alias"].size() == 4);
}

TEST_CASE("lineage follows prior_card_id up, down or both", "[card][lineage]") {
  store_fixture store;
  auto child_of = [](const char* parent, const char* relation) {
    json fields = {{"metadata", {{"prior_card_id", parent}}}};
    if (relation != nullptr) fields["metadata"]["prior_relation"] = relation;
    return fields;
  };
  store.card("p", "root", {{"stats", {{"pass_rate", 0.5}}}});
  store.card("p", "kid", child_of("root", "derived_from"));
  store.card("q", "grandkid", child_of("kid", "reflection_of"));
  store.card("p", "sibling", child_of("root", "sweep_variant"));
  store.card("p", "orphan", child_of("lost", nullptr));

  const json up = store.ok(card_op::lineage, {{{"card_id", "grandkid"}}});
  CHECK(up["root"] == "grandkid");
  CHECK(up["truncated"] == false);
  CHECK(
      up["nodes"] ==
      json({{{"card_id", "grandkid"},
             {"pkg", "q"},
             {"depth", 0},
             {"prior_card_id", "kid"},
             {"prior_relation", "reflection_of"}},
            {{"card_id", "kid"},
             {"pkg", "p"},
             {"depth", -1},
             {"prior_card_id", "root"},
             {"prior_relation", "derived_from"}},
            {{"card_id", "root"}, {"pkg", "p"}, {"depth", -2}, {"stats", {{"pass_rate", 0.5}}}}}));
  CHECK(up["edges"] == json({{{"from", "grandkid"}, {"to", "kid"}, {"relation", "reflection_of"}},
                             {{"from", "kid"}, {"to", "root"}, {"relation", "derived_from"}}}));

  auto ids = [](const json& graph) {
    std::vector<std::string> out;
    for (const auto& node : graph["nodes"]) {
      out.push_back(node["card_id"].get<std::string>() + "@" + node["depth"].dump());
    }
    return out;
  };
  using list = std::vector<std::string>;
  const json shallow = store.ok(card_op::lineage, {{{"card_id", "grandkid"}, {"depth", 1}}});
  CHECK(ids(shallow) == list{"grandkid@0", "kid@-1"});
  CHECK(shallow["truncated"] == true);
  const json down = store.ok(card_op::lineage, {{{"card_id", "root"}, {"direction", "down"}}});
  CHECK(ids(down) == list{"root@0", "kid@1", "sibling@1", "grandkid@2"});
  CHECK(down["edges"][0] == json({{"from", "kid"}, {"to", "root"}, {"relation", "derived_from"}}));
  const json cut =
      store.ok(card_op::lineage, {{{"card_id", "root"}, {"direction", "down"}, {"depth", 1}}});
  CHECK(ids(cut) == list{"root@0", "kid@1", "sibling@1"});
  CHECK(cut["truncated"] == true);
  CHECK(ids(store.ok(card_op::lineage, {{{"card_id", "kid"}, {"direction", "both"}}})) ==
        list{"kid@0", "root@-1", "grandkid@1"});
  const json filtered =
      store.ok(card_op::lineage, {{{"card_id", "root"},
                                   {"direction", "down"},
                                   {"relation_filter", json::array({"sweep_variant"})},
                                   {"include_stats", false}}});
  CHECK(ids(filtered) == list{"root@0", "sibling@1"});
  CHECK_FALSE(filtered["nodes"][0].contains("stats"));
  // The filter stops the walk up, but truncation does not consult it.
  const json stopped =
      store.ok(card_op::lineage,
               {{{"card_id", "kid"}, {"relation_filter", json::array({"other"})}, {"depth", 0}}});
  CHECK(ids(stopped) == list{"kid@0"});
  CHECK(stopped["truncated"] == true);
  CHECK(ids(store.ok(card_op::lineage, {{{"card_id", "orphan"}}})) == list{"orphan@0"});
  CHECK(store.ok(card_op::lineage, {{{"card_id", "nobody"}}}).is_null());
  CHECK(store.error(card_op::lineage, {{{"card_id", "root"}, {"direction", "sideways"}}}) ==
        "direction must be 'up', 'down', or 'both' (got 'sideways')");
}

TEST_CASE("lineage survives a cycle of prior_card_id", "[card][lineage]") {
  store_fixture store;
  store.card("p", "a", {{"metadata", {{"prior_card_id", "b"}}}});
  store.card("p", "b", {{"metadata", {{"prior_card_id", "a"}}}});
  const json both = store.ok(card_op::lineage, {{{"card_id", "a"}, {"direction", "both"}}});
  CHECK(both["nodes"].size() == 2);
  CHECK(both["truncated"] == false);
}

TEST_CASE("sink_backfill knows no sink: none is configured", "[card]") {
  store_fixture store;
  CHECK(
      store.error(card_op::sink_backfill, {{{"sink", "file:///mnt/mirror"}, {"dry_run", true}}}) ==
      "unknown sink: file:///mnt/mirror");
  CHECK(store.error(card_op::sink_backfill, {json::object()}) ==
        "alc.card.sink_backfill: sink is required");
}

TEST_CASE("card writes that fail half way leave the store as it was", "[card][crash]") {
  store_fixture store;
  const std::string id = store.card("p", "c1", {{"n", 1}});
  store.ok(card_op::alias_set, {"best", id});
  const std::string big(64 * 1024, 'x');
  std::vector<std::string> errors;
  {
    test::file_size_limit full_disk(4096);
    errors.push_back(store.error(card_op::create, {{{"pkg", {{"name", "p"}}}, {"big", big}}}));
    errors.push_back(store.error(card_op::append, {id, {{"big", big}}}));
    errors.push_back(store.error(card_op::write_samples, {id, json::array({big})}));
    errors.push_back(store.error(card_op::alias_set, {"best", id, {{"note", big}}}));
  }
  for (const auto& error : errors) CHECK_THAT(error, Catch::Contains("cannot write"));
  CHECK(ids_of(store.ok(card_op::list, {})) == std::vector<std::string>{"c1"});
  CHECK_FALSE(store.ok(card_op::get, {id}).contains("big"));
  CHECK(store.ok(card_op::read_samples, {id}) == json::array());
  CHECK_FALSE(store.ok(card_op::alias_list, {})[0].contains("note"));
  // Nothing half-written is in the way: the same writes succeed now.
  CHECK(store.ok(card_op::append, {id, {{"big", big}}})["big"] == big);
  CHECK(store.ok(card_op::write_samples, {id, json::array({big})})["count"] == 1);
  for (const auto& entry : fs::recursive_directory_iterator(store.root())) {
    CHECK(entry.path().string().find(".tmp.") == std::string::npos);
  }
}

TEST_CASE("a writer killed mid-stream leaves only whole cards, samples and alias tables",
          "[card][crash]") {
  store_fixture store;
  int started[2];
  REQUIRE(::pipe(started) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child writes forever: a padded card, its samples, an append and
    // an alias per round. After a few rounds it tells the parent, and
    // writes on. (No Catch macros here: a failure ends the child instead.)
    ::close(started[0]);
    card_service writer(std::make_unique<card_files>(store.root()));
    auto must = [&writer](card_op op, std::vector<json> args) {
      if (!std::holds_alternative<json>(writer.execute(card_call{op, std::move(args)}))) {
        ::_exit(3);
      }
    };
    const std::string padding(8192, 'p');
    for (int i = 0;; ++i) {
      const std::string id = "c" + std::to_string(i);
      must(card_op::create,
           {{{"pkg", {{"name", "p" + std::to_string(i % 3)}}}, {"card_id", id}, {"pad", padding}}});
      json rows = json::array();
      for (int r = 0; r < 50; ++r) rows.push_back({{"r", r}, {"pad", padding.substr(0, 100)}});
      must(card_op::write_samples, {id, rows});
      must(card_op::append, {id, {{"later", padding}}});
      must(card_op::alias_set, {"a" + std::to_string(i % 5), id, {{"note", padding}}});
      if (i == 3) {
        const char ready = 'r';
        if (::write(started[1], &ready, 1) != 1) ::_exit(2);
        ::close(started[1]);
      }
    }
  }
  ::close(started[1]);
  pollfd ready{started[0], POLLIN, 0};
  const int polled = ::poll(&ready, 1, 10'000);  // bounded: a stuck child fails the test
  ::close(started[0]);
  ::kill(child, SIGKILL);  // wherever it is in a write
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(polled == 1);
  REQUIRE(WIFSIGNALED(status));

  std::size_t cards = 0;
  for (const auto& entry : fs::recursive_directory_iterator(store.root())) {
    const std::string name = entry.path().filename().string();
    INFO(entry.path());
    if (name.size() > 5 && name.substr(name.size() - 5) == ".toml") {
      auto parsed = card_toml::read(slurp(entry.path()));
      REQUIRE(std::holds_alternative<json>(parsed));
      if (name != "_aliases.toml") {
        CHECK(std::get<json>(parsed)["pad"].get<std::string>().size() == 8192);
        ++cards;
      }
    } else if (name.find(".samples.jsonl") != std::string::npos &&
               name.find(".tmp.") == std::string::npos) {
      std::istringstream lines(slurp(entry.path()));
      std::string line;
      int count = 0;
      while (std::getline(lines, line)) {
        CHECK(json::parse(line, nullptr, false).is_object());
        ++count;
      }
      CHECK(count == 50);
    }
  }
  CHECK(cards >= 4);
  // The store reads on as usual: every card listed, every one gettable.
  store.reopen();
  const json rows = store.ok(card_op::list, {});
  CHECK(rows.size() == cards);
  for (const auto& row : rows) CHECK(store.ok(card_op::get, {row["card_id"]}).is_object());
  CHECK(store.ok(card_op::alias_list, {}).is_array());
}
