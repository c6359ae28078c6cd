// The one file that talks to MPI. Variable-size exchanges go through the C API on the Boost
// communicator's handle, because Boost.MPI's collectives serialise element by element.
#include <boost/mpi.hpp>
#include <numeric>

#include "engine/comm_mpi.hpp"
#include "engine/error.hpp"

namespace megacycle {
namespace {

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw Error(std::string("MPI call failed: ") + what);
}

std::vector<int> displacements(const std::vector<int>& counts) {
  std::vector<int> displ(counts.size(), 0);
  if (!counts.empty()) std::exclusive_scan(counts.begin(), counts.end(), displ.begin(), 0);
  return displ;
}

// The counter lives in a one-element window on rank 0; MPI_Fetch_and_op under a shared lock is atomic.
class MpiCounter final : public SharedCounter {
 public:
  explicit MpiCounter(MPI_Comm comm) {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    const MPI_Aint bytes = rank == 0 ? static_cast<MPI_Aint>(sizeof(long long)) : 0;
    check(MPI_Win_allocate(bytes, sizeof(long long), MPI_INFO_NULL, comm, &base_, &window_), "MPI_Win_allocate");
    if (rank == 0) *base_ = 0;
    check(MPI_Barrier(comm), "MPI_Barrier");  // nobody adds before rank 0 has set it
  }
  ~MpiCounter() override { MPI_Win_free(&window_); }
  long long fetch_add(long long n) override {
    long long before = 0;
    check(MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, window_), "MPI_Win_lock");
    check(MPI_Fetch_and_op(&n, &before, MPI_LONG_LONG, 0, 0, MPI_SUM, window_), "MPI_Fetch_and_op");
    check(MPI_Win_unlock(0, window_), "MPI_Win_unlock");
    return before;
  }

 private:
  long long* base_ = nullptr;
  MPI_Win window_ = MPI_WIN_NULL;
};

class MpiComm final : public Comm {
 public:
  MpiComm() = default;
  explicit MpiComm(boost::mpi::communicator c) : world_(std::move(c)) {}
  int rank() const override { return world_.rank(); }
  int size() const override { return world_.size(); }
  MPI_Comm handle() const { return world_; }

  void alltoallv_bytes(std::span<const std::byte> send, std::span<const int> send_counts, std::vector<std::byte>& recv,
                       std::vector<int>& recv_counts) override {
    const auto n = static_cast<std::size_t>(size());
    std::vector<int> scounts(send_counts.begin(), send_counts.end());
    recv_counts.assign(n, 0);
    check(MPI_Alltoall(scounts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT, world_), "MPI_Alltoall");
    const auto sdispl = displacements(scounts);
    const auto rdispl = displacements(recv_counts);
    recv.resize(static_cast<std::size_t>(std::accumulate(recv_counts.begin(), recv_counts.end(), 0L)));
    check(MPI_Alltoallv(send.data(), scounts.data(), sdispl.data(), MPI_BYTE, recv.data(), recv_counts.data(),
                        rdispl.data(), MPI_BYTE, world_),
          "MPI_Alltoallv");
  }

  void allgatherv_bytes(std::span<const std::byte> send, std::vector<std::byte>& recv) override {
    int mine = static_cast<int>(send.size());
    std::vector<int> counts(static_cast<std::size_t>(size()), 0);
    check(MPI_Allgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, world_), "MPI_Allgather");
    const auto displ = displacements(counts);
    recv.resize(static_cast<std::size_t>(std::accumulate(counts.begin(), counts.end(), 0L)));
    check(MPI_Allgatherv(send.data(), mine, MPI_BYTE, recv.data(), counts.data(), displ.data(), MPI_BYTE, world_),
          "MPI_Allgatherv");
  }

  double max(double value) override { return boost::mpi::all_reduce(world_, value, boost::mpi::maximum<double>()); }
  void barrier() override { world_.barrier(); }
  int ranks_on_node() override {
    MPI_Comm node;
    check(MPI_Comm_split_type(world_, MPI_COMM_TYPE_SHARED, rank(), MPI_INFO_NULL, &node), "MPI_Comm_split_type");
    int n = 1;
    MPI_Comm_size(node, &n);
    MPI_Comm_free(&node);
    return n;
  }
  std::unique_ptr<Comm> split(int colour) override {
    return std::make_unique<MpiComm>(world_.split(colour, world_.rank()));
  }
  std::unique_ptr<SharedCounter> make_counter() override { return std::make_unique<MpiCounter>(world_); }
  [[noreturn]] void abort(int exit_code) override {
    world_.abort(exit_code);
    std::abort();  // MPI_Abort does not return; this keeps [[noreturn]] honest.
  }

 private:
  boost::mpi::communicator world_;
};

}  // namespace

struct MpiSession::Impl {
  // Threads are not used; funneled is enough and cheapest.
  boost::mpi::environment env;
  MpiComm comm;
  Impl(int& argc, char**& argv) : env(argc, argv, boost::mpi::threading::single, true) {}
};

MpiSession::MpiSession(int& argc, char**& argv) : impl_(std::make_unique<Impl>(argc, argv)) {}
MpiSession::~MpiSession() = default;
Comm& MpiSession::world() { return impl_->comm; }

MPI_Comm mpi_handle(const Comm& comm) {
  if (const auto* mpi = dynamic_cast<const MpiComm*>(&comm)) return mpi->handle();
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (comm.size() == 1 && initialised) return MPI_COMM_SELF;
  throw Error("this communicator has no MPI handle: MPI is not initialised (start the program with an MpiSession)");
}

}  // namespace megacycle
