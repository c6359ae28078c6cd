#include <gtest/gtest.h>

#include <cmath>

#include "engine/error.hpp"
#include "engine/ring_network.hpp"

namespace megacycle {
namespace {

struct Fixture {
  std::unique_ptr<Comm> comm = make_local_comm();
  Partition partition;
  RingNetwork network;
  Fixture(std::uint64_t n, int degree, double rewiring)
      : partition(n, 1, 0), network(*comm, partition, degree, rewiring, StreamKey{7, 0, 1, 3}) {}

  // Peer sums of every agent when agent i holds value(i).
  template <class F>
  std::vector<int> peer_sums(F value) {
    std::vector<int> view(network.view_size(), 0);
    const std::size_t offset = network.owned_offset();
    for (std::size_t i = 0; i < partition.local_count(); ++i) view[offset + i] = value(i);
    std::span<int> v(view);
    network.ghosts().exchange<int>(*comm, v.subspan(offset, partition.local_count()), v);
    std::vector<int> sums;
    network.for_each_peer_sum<int>(
        view, [](std::size_t) { return true; }, [&](std::size_t, int s) { sums.push_back(s); });
    return sums;
  }
};

TEST(RingNetwork, WithoutRewiringEveryAgentWatchesItsRingNeighboursAcrossTheWrap) {
  const std::uint64_t n = 1000;
  Fixture f(n, 8, 0.0);
  EXPECT_EQ(f.network.rewired_links(), 0u);
  const auto sums = f.peer_sums([](std::size_t i) { return static_cast<int>(i); });
  for (std::size_t i = 0; i < n; ++i) {
    int expected = 0;
    for (std::uint64_t d = 1; d <= 4; ++d) expected += static_cast<int>((i + d) % n + (i + n - d) % n);
    ASSERT_EQ(sums[i], expected) << "agent " << i;
  }
}

TEST(RingNetwork, EveryAgentHasExactlyDegreePeers) {
  Fixture f(5000, 6, 0.3);
  for (int s : f.peer_sums([](std::size_t) { return 1; })) ASSERT_EQ(s, 6);
}

TEST(RingNetwork, RewiredShareMatchesTheProbability) {
  const std::uint64_t n = 50000;
  Fixture f(n, 8, 0.05);
  const double links = 8.0 * n, expected = 0.05 * links;
  EXPECT_NEAR(static_cast<double>(f.network.rewired_links()), expected, 4 * std::sqrt(expected));
}

TEST(RingNetwork, RewiredLinksNeverPointAtTheAgentItself) {
  // With every link rewired, an agent reading only its own value would see a non-zero sum.
  const std::uint64_t n = 300;
  Fixture f(n, 8, 1.0);
  for (std::size_t who = 0; who < n; who += 37) {
    const auto sums = f.peer_sums([&](std::size_t i) { return i == who ? 1 : 0; });
    ASSERT_EQ(sums[who], 0);
  }
}

TEST(RingNetwork, SkippedAgentsGetZeroAndDoNotShiftLaterAgentsLinks) {
  Fixture f(2000, 8, 0.2);
  std::vector<int> view(f.network.view_size(), 1), all, some;
  f.network.for_each_peer_sum<int>(
      view, [](std::size_t) { return true; }, [&](std::size_t, int s) { all.push_back(s); });
  f.network.for_each_peer_sum<int>(
      view, [](std::size_t i) { return i % 2 == 0; }, [&](std::size_t, int s) { some.push_back(s); });
  for (std::size_t i = 0; i < all.size(); ++i) ASSERT_EQ(some[i], i % 2 == 0 ? all[i] : 0);
}

TEST(RingNetwork, RejectsOddOrTooLargeDegree) {
  auto comm = make_local_comm();
  Partition p(10, 1, 0);
  EXPECT_THROW(RingNetwork(*comm, p, 3, 0.0, {}), Error);
  EXPECT_THROW(RingNetwork(*comm, p, 10, 0.0, {}), Error);
}

}  // namespace
}  // namespace megacycle
