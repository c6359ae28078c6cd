#pragma once
// MPI start-up and the Boost.MPI communicator. Keep one MpiSession alive for the whole program.
#include <memory>

#include "engine/comm.hpp"

namespace megacycle {

class MpiSession {
 public:
  MpiSession(int& argc, char**& argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  // The world communicator.
  Comm& world();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace megacycle
