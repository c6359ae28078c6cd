#pragma once
// One exception type for everything a user can get wrong or the run can hit. The message is complete
// (where, what, what is allowed): the program prints it as is and exits non-zero.
#include <stdexcept>
#include <string>

namespace megacycle {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Bad input: scenario file, --set override, command-line flag. Exit status 2.
class InputError : public Error {
 public:
  using Error::Error;
};

}  // namespace megacycle
