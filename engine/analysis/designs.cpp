#include "engine/analysis/designs.hpp"

#include <boost/random/sobol.hpp>

#include <algorithm>
#include <numeric>

#include "engine/error.hpp"
#include "engine/rng.hpp"

namespace megacycle::designs {
namespace {

// Stream names for the designs' own draws: a population code no model population uses.
constexpr std::uint8_t kDesignPopulation = 0xde;
constexpr std::uint8_t kLatinHypercube = 1;
constexpr std::uint8_t kMorris = 2;

// Fisher-Yates permutation of 0..n-1.
std::vector<int> permutation(int n, Stream& s) {
  std::vector<int> p(static_cast<std::size_t>(n));
  std::iota(p.begin(), p.end(), 0);
  for (int i = n - 1; i > 0; --i)
    std::swap(p[static_cast<std::size_t>(i)], p[s.below(static_cast<std::uint64_t>(i) + 1)]);
  return p;
}

}  // namespace

Design grid(const std::vector<std::vector<double>>& values) {
  Design d;
  std::size_t total = 1;
  for (const auto& v : values) total *= v.size();
  if (values.empty()) total = 0;
  for (std::size_t i = 0; i < total; ++i) {
    std::vector<double> point(values.size());
    std::size_t rest = i;
    for (std::size_t j = values.size(); j-- > 0;) {
      point[j] = values[j][rest % values[j].size()];
      rest /= values[j].size();
    }
    d.points.push_back(std::move(point));
  }
  d.block.assign(total, "");
  d.sample.assign(total, 0);
  d.step.assign(total, 0);
  return d;
}

Design latin_hypercube(int n, int k, std::uint64_t seed) {
  Design d;
  d.points.assign(static_cast<std::size_t>(n), std::vector<double>(static_cast<std::size_t>(k)));
  for (int j = 0; j < k; ++j) {
    Stream s(StreamKey{seed, 0, kDesignPopulation, kLatinHypercube}, static_cast<std::uint64_t>(j), 0);
    const std::vector<int> strata = permutation(n, s);
    for (int i = 0; i < n; ++i)
      d.points[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] =
          (strata[static_cast<std::size_t>(i)] + s.uniform()) / n;
  }
  d.block.assign(static_cast<std::size_t>(n), "");
  d.sample.resize(static_cast<std::size_t>(n));
  std::iota(d.sample.begin(), d.sample.end(), 0);
  d.step.assign(static_cast<std::size_t>(n), 0);
  return d;
}

Design saltelli(int n, int k) {
  boost::random::sobol sequence(static_cast<std::size_t>(2 * k));
  const double scale = 1.0 / (static_cast<double>(boost::random::sobol::max()) + 1.0);
  // Boost's sequence already starts after the all-zero point (at 1/2, 1/2, ...).
  std::vector<std::vector<double>> a(static_cast<std::size_t>(n)), b(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < 2 * k; ++j)
      (j < k ? a : b)[static_cast<std::size_t>(i)].push_back(static_cast<double>(sequence()) * scale);
  }
  Design d;
  auto add = [&](const std::string& block, int i, std::vector<double> point) {
    d.points.push_back(std::move(point));
    d.block.push_back(block);
    d.sample.push_back(i);
    d.step.push_back(0);
  };
  for (int i = 0; i < n; ++i) add("A", i, a[static_cast<std::size_t>(i)]);
  for (int i = 0; i < n; ++i) add("B", i, b[static_cast<std::size_t>(i)]);
  for (int j = 0; j < k; ++j)
    for (int i = 0; i < n; ++i) {
      std::vector<double> p = a[static_cast<std::size_t>(i)];
      p[static_cast<std::size_t>(j)] = b[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
      add("AB" + std::to_string(j), i, std::move(p));
    }
  return d;
}

Design morris(int r, int k, int levels, std::uint64_t seed) {
  const double step = 1.0 / (levels - 1);
  const double delta = levels / (2.0 * (levels - 1));
  // Start levels whose point plus delta stays on the grid.
  const int starts = std::max(1, levels - static_cast<int>(std::lround(delta / step)));
  Design d;
  for (int t = 0; t < r; ++t) {
    Stream s(StreamKey{seed, 0, kDesignPopulation, kMorris}, static_cast<std::uint64_t>(t), 0);
    std::vector<double> x(static_cast<std::size_t>(k));
    std::vector<double> direction(static_cast<std::size_t>(k));
    for (int j = 0; j < k; ++j) {
      const double low = static_cast<double>(s.below(static_cast<std::uint64_t>(starts))) * step;
      const bool up = s.below(2) == 0;
      direction[static_cast<std::size_t>(j)] = up ? delta : -delta;
      x[static_cast<std::size_t>(j)] = up ? low : low + delta;
    }
    const std::vector<int> order = permutation(k, s);
    auto add = [&](int n) {
      d.points.push_back(x);
      d.block.push_back("trajectory");
      d.sample.push_back(t);
      d.step.push_back(n);
    };
    add(0);
    for (int n = 0; n < k; ++n) {
      const auto j = static_cast<std::size_t>(order[static_cast<std::size_t>(n)]);
      x[j] = std::clamp(x[j] + direction[j], 0.0, 1.0);
      add(n + 1);
    }
  }
  return d;
}

}  // namespace megacycle::designs
