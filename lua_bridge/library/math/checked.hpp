#pragma once
// The result of a numerical routine that may refuse its input. The reason is
// a static string without the Lua function's name (the binding adds it), so
// the numerical code stays free of Lua and of allocation.

namespace alc::math {

template <class T>
struct checked {
  T value{};
  const char* error = nullptr;  ///< null when value is valid

  bool ok() const { return error == nullptr; }
  static checked fail(const char* reason) { return checked{T{}, reason}; }
};

}  // namespace alc::math
