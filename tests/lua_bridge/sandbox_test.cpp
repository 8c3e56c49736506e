#include "tests/lua_bridge/vm_test_support.hpp"

#include <algorithm>

#include "lua_bridge/sandbox_names.hpp"

using namespace alc;
using namespace alc::test;
using nlohmann::json;

TEST_CASE("sandbox removes every door to the host", "[sandbox]") {
  vm_harness harness;
  const char* absent[] = {"debug",           "dofile",       "loadfile",      "string.dump",
                          "package.loadlib", "package.path", "package.cpath", "package.searchers"};
  for (const char* name : absent) {
    SECTION(name) {
      const std::string code = std::string("return ") + name + " == nil";
      CHECK(run_value(harness, code) == json(true));
    }
  }
}

TEST_CASE("os.getenv answers only from the host's allow-list", "[sandbox]") {
  vm_harness harness;
  auto opts = harness.options();
  opts.environment = std::make_shared<const environment_variables>(
      environment_variables{{"ALC_SHAPE_CHECK", "1"}});
  auto vm = harness.make(
      "return {os.getenv('ALC_SHAPE_CHECK'), os.getenv('HOME') == nil, os.getenv('PATH') == nil}",
      json::object(), opts);
  CHECK(require_done(run_until_blocked(*vm)) == json::array({"1", true, true}));
  // Without an allow-list nothing is visible, not even a variable the process has.
  CHECK(run_value(harness,
                  "return os.getenv('HOME') == nil and os.getenv('ALC_SHAPE_CHECK') == nil") ==
        json(true));
  CHECK_THAT(require_failed(run_until_blocked(*harness.make("return os.getenv()"))).message,
             Catch::Contains("bad argument #1 to 'getenv'"));
}

TEST_CASE("os functions that reach the process refuse, in the stock failure shape", "[sandbox]") {
  vm_harness harness;
  CHECK(run_value(harness, R"(
    local out = {}
    for _, name in ipairs({"execute", "remove", "rename", "tmpname", "setlocale"}) do
      local value, message = os[name]("x", "y")
      out[#out + 1] = {value == nil, message}
    end
    return out)") ==
        json::array({json::array({true, "os.execute: not permitted in the sandbox"}),
                     json::array({true, "os.remove: not permitted in the sandbox"}),
                     json::array({true, "os.rename: not permitted in the sandbox"}),
                     json::array({true, "os.tmpname: not permitted in the sandbox"}),
                     json::array({true, "os.setlocale: not permitted in the sandbox"})}));
  const auto exited = require_failed(run_until_blocked(*harness.make("os.exit(0) return 1")));
  CHECK(exited.kind == failure_kind::lua_error);
  CHECK_THAT(exited.message, Catch::Contains("os.exit is not available"));
  // The script's own pcall catches it, and the session goes on.
  CHECK(run_value(harness, "return (pcall(os.exit, 1))") == json(false));
}

TEST_CASE("io.open fails as a locked-down file system would, and touches no file", "[sandbox]") {
  vm_harness harness;
  // flow/util.lua does exactly this at load time and falls back to os.time.
  CHECK(run_value(harness, R"(
    local f, message, code = io.open("/dev/urandom", "rb")
    local g = io.open("/etc/passwd")
    return {f == nil, message, code, g == nil})") ==
        json::array({true, "/dev/urandom: Permission denied", 13, true}));
  CHECK(run_value(harness, R"(
    local p, pm = io.popen("ls")
    local t, tm = io.tmpfile()
    return {p == nil, pm, t == nil, tm})") ==
        json::array({true, "io.popen: not permitted in the sandbox", true,
                     "io.tmpfile: not permitted in the sandbox"}));
}

TEST_CASE("io output goes to the session log: stdout at info, stderr at warn", "[sandbox]") {
  vm_harness harness;
  CHECK(run_value(harness, R"(
    local chained = io.write("progress ", 1, "/", 2, "\n") == io.stdout
    io.stdout:write("to stdout"):write(" again\n")
    io.stderr:write("warning: ", "careful\n")
    io.write("")
    return {chained, io.type(io.stdout), io.type(42) == nil, io.output() == io.stdout,
            tostring(io.stderr)})") == json::array({true, "file", true, true, "file (stderr)"}));
  REQUIRE(harness.logs->size() == 4);
  CHECK((*harness.logs)[0] == std::pair{log_level::info, std::string("progress 1/2")});
  CHECK((*harness.logs)[1] == std::pair{log_level::info, std::string("to stdout")});
  CHECK((*harness.logs)[2] == std::pair{log_level::info, std::string(" again")});
  CHECK((*harness.logs)[3] == std::pair{log_level::warn, std::string("warning: careful")});
  CHECK_THAT(require_failed(run_until_blocked(*harness.make("io.write({})"))).message,
             Catch::Contains("bad argument #1 to 'write'"));
}

TEST_CASE("io input fails with a clear error: the sandbox has no files or console", "[sandbox]") {
  vm_harness harness;
  for (const char* code :
       {"return io.read()", "for l in io.lines('x') do end", "return io.stdin:read('l')",
        "io.input('/etc/passwd')", "io.output('/tmp/out')"}) {
    INFO(code);
    const auto failed = require_failed(run_until_blocked(*harness.make(code)));
    CHECK_THAT(failed.message, Catch::Contains("not permitted"));
  }
  CHECK(run_value(harness, "local ok, m = io.close() return {ok == nil, m}") ==
        json::array({true, "cannot close standard file"}));
}

TEST_CASE("sandbox exposes exactly its allow-list", "[sandbox]") {
  vm_harness harness;
  // Every name of every library, and every global but the runtime's own.
  const auto exposed = run_value(harness, R"(
    local function sorted_keys(t, skip)
      local names = {}
      for k in pairs(t) do
        if not (skip and skip[k]) then names[#names + 1] = k end
      end
      table.sort(names)
      return names
    end
    local libraries = {"coroutine", "table", "string", "math", "utf8", "os", "io"}
    local out = {[""] = {}}
    local skip = {alc = true, ctx = true, require = true, package = true}
    for _, name in ipairs(libraries) do
      out[name] = sorted_keys(_G[name])
      skip[name] = true
    end
    out[""] = sorted_keys(_G, skip)
    return out)");
  for (const auto& library : sandbox_libraries()) {
    INFO(std::string(library.global));
    // A name of the list may be missing from a Lua built without it (math.pow ...).
    for (const auto& name : exposed.at(std::string(library.global))) {
      CHECK(library.exposes(name.get<std::string>()));
    }
    // Every safe replacement is there (none left out, none left stock).
    const auto& names = exposed.at(std::string(library.global));
    for (const auto& name : library.replaced) {
      CHECK(std::count(names.begin(), names.end(), json(std::string(name))) == 1);
    }
  }
  const auto globals = sandbox_global_names();
  CHECK(std::is_sorted(globals.begin(), globals.end()));
  CHECK(std::count(globals.begin(), globals.end(), "string") == 1);
  CHECK(std::count(globals.begin(), globals.end(), "dofile") == 0);
}

TEST_CASE("sandbox keeps the safe libraries and the clock", "[sandbox]") {
  vm_harness harness;
  const auto value = run_value(harness, R"(
    return {
      type(os.time()), type(os.clock()), type(os.date("%Y")),
      string.upper("a"), table.concat({1, 2}, ","), math.floor(2.5),
      utf8.char(228), type(coroutine.create), select("#", 1, 2)
    })");
  CHECK(value == json::array({"number", "number", "string", "A", "1,2", 2, "ä", "function", 2}));
}

TEST_CASE("load accepts source text and refuses binary chunks", "[sandbox]") {
  vm_harness harness;
  CHECK(run_value(harness, "return load('return 1 + 1')()") == json(2));
  CHECK(run_value(harness, "return load('return x', 'chunk', 't', {x = 7})()") == json(7));
  const auto refused = run_value(harness, R"(
    local f, err = load("\27Lua\84\0\25\147\13\10\26\10\4\8\8", "bin", "b")
    local g, err2 = load("\27Lua\84\0\25\147\13\10\26\10\4\8\8")
    return {f == nil, err, g == nil, err2})");
  CHECK(refused[0] == json(true));
  CHECK(refused[1].get<std::string>().find("binary") != std::string::npos);
  CHECK(refused[2] == json(true));
  CHECK(refused[3].get<std::string>().find("binary") != std::string::npos);
}

TEST_CASE("setmetatable refuses finalizers that would run outside any slice", "[sandbox]") {
  vm_harness harness;
  auto vm = harness.make("setmetatable({}, {__gc = function() while true do end end})");
  const auto& failed = require_failed(run_until_blocked(*vm));
  CHECK(failed.kind == failure_kind::lua_error);
  CHECK_THAT(failed.message, Catch::Contains("__gc metamethods are not available"));
  CHECK(
      run_value(harness, "return getmetatable(setmetatable({}, {__index = {a = 1}})).__index.a") ==
      json(1));
}

TEST_CASE("a memory bomb fails its own VM with memory_limit and spares another", "[sandbox]") {
  vm_harness harness;
  auto bystander = harness.make(
      "local t = {} for i = 1, 1000 do t[i] = i end "
      "return alc.llm('still here?') .. #t");
  require_llm_call(run_until_blocked(*bystander));

  auto opts = harness.options();
  opts.memory_limit = 8 << 20;
  SECTION("one huge string") {
    auto bomb = harness.make("return string.rep('x', 1e9)", json::object(), opts);
    const auto& failed = require_failed(run_until_blocked(*bomb));
    CHECK(failed.kind == failure_kind::memory_limit);
    CHECK_THAT(failed.message, Catch::Contains("8 MiB"));
  }
  SECTION("a string beyond Lua's own size limit") {
    auto bomb = harness.make("return string.rep('x', 1e12)", json::object(), opts);
    CHECK_THAT(require_failed(run_until_blocked(*bomb)).message,
               Catch::Contains("resulting string too large"));
  }
  SECTION("a growing table") {
    auto bomb = harness.make("local t = {} for i = 1, 1e9 do t[i] = {i} end", json::object(), opts);
    CHECK(require_failed(run_until_blocked(*bomb)).kind == failure_kind::memory_limit);
  }
  SECTION("an error the script catches still ends it") {
    auto bomb = harness.make(R"(
      local ok = pcall(string.rep, 'x', 1e9)
      return ok)",
                             json::object(), opts);
    CHECK(require_failed(run_until_blocked(*bomb)).kind == failure_kind::memory_limit);
  }
  SECTION("a huge ctx cannot be set up") {
    vm_error error;
    json big = json::object();
    big["blob"] = std::string(9 << 20, 'x');
    CHECK(script_vm::create("return 1", big, opts, error) == nullptr);
    CHECK(error.kind == failure_kind::memory_limit);
  }
  bystander->answer_llm({"yes "});
  CHECK(require_done(run_until_blocked(*bystander)) == json("yes 1000"));
}

TEST_CASE("standard libraries opened on first use look as if always there", "[sandbox]") {
  vm_harness harness;
  const char* library_names = "{'coroutine', 'table', 'string', 'math', 'utf8', 'os', 'io'}";
  SECTION("pairs over _G lists every library") {
    CHECK(run_value(harness, std::string("local seen = {} for k in pairs(_G) do seen[k] = true end "
                                         "for _, n in ipairs(") +
                                 library_names + ") do assert(seen[n], n) end return true") ==
          json(true));
  }
  SECTION("next over _G lists every library") {
    CHECK(run_value(harness, std::string("local seen, k = {}, next(_G) "
                                         "while k do seen[k] = true k = next(_G, k) end "
                                         "for _, n in ipairs(") +
                                 library_names + ") do assert(seen[n], n) end return true") ==
          json(true));
  }
  SECTION("rawget sees a library never touched before") {
    CHECK(run_value(harness, "return type(rawget(_G, 'utf8'))") == json("table"));
  }
  SECTION("_G has no metatable of its own") {
    CHECK(run_value(harness, "return getmetatable(_G) == nil") == json(true));
  }
  SECTION("a script's own metatable on _G keeps the libraries reachable") {
    CHECK(run_value(harness, R"(
      setmetatable(_G, {__index = function(_, k) error("undefined global " .. k, 2) end})
      return math.floor(2.5) .. table.concat({"a", "b"}) .. utf8.char(65))") == json("2abA"));
  }
  SECTION("assigning a library's name before use replaces it") {
    CHECK(run_value(harness, "math = 5 return math") == json(5));
    CHECK(run_value(harness, "table = nil return table == nil") == json(true));
  }
  SECTION("string methods work before the string global is read") {
    CHECK(run_value(harness, "return ('abc'):upper() .. ('%d'):format(7)") == json("ABC7"));
    CHECK(run_value(harness, "string = nil return ('abc'):rep(2)") == json("abcabc"));
    CHECK(run_value(harness, "string = nil return ('x').dump == nil") == json(true));
  }
  SECTION("an undefined global still reads as nil") {
    CHECK(run_value(harness, "return undefined_name == nil and mathx == nil") == json(true));
  }
  SECTION("the same library table every time") {
    CHECK(run_value(harness, "local m = math return m == math and _G.math == m") == json(true));
  }
}

TEST_CASE("objects of every small size are reused after the collector frees them",
          "[sandbox][memory]") {
  vm_harness harness;
  auto opts = harness.options();
  opts.memory_limit = 4 << 20;
  // Waves of strings of one size each: 1.5 MiB live per wave, 20 waves. If
  // freed objects were not reused, the memory held would pass the limit.
  auto vm = harness.make(R"(
    local total = 0
    for wave = 1, 20 do
      local size = 8 + wave * 9
      local keep = {}
      for i = 1, (1536 * 1024) // (size + 40) do
        keep[i] = string.rep("x", size - 6) .. string.format("%06d", i)
      end
      total = total + #keep
      keep = nil
      collectgarbage()
    end
    return total)",
                         json::object(), opts);
  const auto value = require_done(run_until_blocked(*vm));
  CHECK(value.get<int64_t>() > 100000);
}

TEST_CASE("a VM gives all its memory back when its script ends", "[sandbox][memory]") {
  vm_harness harness;
  auto vm = harness.make(
      "local t = {} for i = 1, 5000 do t[i] = tostring(i) end "
      "return alc.llm('n?') .. #t");
  require_llm_call(run_until_blocked(*vm));
  CHECK(vm->memory_held() >= vm->memory_used());
  CHECK(vm->memory_used() > 5000 * 16);
  vm->answer_llm({"n="});
  CHECK(require_done(run_until_blocked(*vm)) == json("n=5000"));
  CHECK(vm->memory_used() == 0);
  CHECK(vm->memory_held() == 0);
}
