#pragma once
// What the unit tests of scenario input share: the InputError message of an action, and text checks
// whose failure message shows the whole text (plain GoogleTest, no gmock).
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "engine/error.hpp"

#define EXPECT_STARTS(text, prefix) EXPECT_TRUE(std::string(text).starts_with(prefix)) << (text)
#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << (text)

namespace megacycle {

// The InputError message of `action`; fails the test if it does not throw one.
inline std::string input_error(const std::function<void()>& action) {
  try {
    action();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an InputError";
  return "";
}

}  // namespace megacycle
