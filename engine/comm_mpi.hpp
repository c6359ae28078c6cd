#pragma once
// MPI start-up and the Boost.MPI communicator. Keep one MpiSession alive for the whole program.
// Includes <mpi.h> (for mpi_handle), unlike engine/comm.hpp: include it only where MPI is linked.
#include <mpi.h>

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

// The MPI communicator under `comm`, for libraries that take one (parallel HDF5): the handle of an MPI
// communicator (the world or one split from it), MPI_COMM_SELF for a single-process LocalComm once MPI
// is initialised. Throws Error otherwise.
MPI_Comm mpi_handle(const Comm& comm);

}  // namespace megacycle
