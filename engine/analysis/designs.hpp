#pragma once
// Experimental designs for parameter sweeps, in the unit cube [0, 1]^k (the caller maps each
// coordinate onto its field's range). Model-agnostic; proto/sweep.proto documents each design.
#include <cstdint>
#include <string>
#include <vector>

namespace megacycle::designs {

struct Design {
  std::vector<std::vector<double>> points;  // points[i][j]: coordinate j of point i
  // Which part of the design each point belongs to, for the sensitivity estimators:
  // Sobol: "A", "B", "AB0", "AB1", ...; Morris: "trajectory"; others: empty.
  std::vector<std::string> block;
  // Index within the block (Sobol: sample n; Morris: trajectory number) and, for Morris, the step.
  std::vector<int> sample;
  std::vector<int> step;
};

// All combinations of the given per-dimension values (dimension 0 varies slowest). Values, not unit
// coordinates.
Design grid(const std::vector<std::vector<double>>& values);

// n points, each dimension cut into n strata with one uniform draw per stratum, strata permuted
// independently per dimension. Draws from the Philox stream keyed by `seed`.
Design latin_hypercube(int n, int k, std::uint64_t seed);

// Saltelli's cross-sampling on a 2k-dimensional Sobol sequence (Boost.Random; its all-zero point is skipped): blocks A
// (n points), B (n), then AB_i for i < k, where AB_i is A with column i taken from B: n (k + 2) points.
Design saltelli(int n, int k);

// r Morris trajectories of k + 1 points on a `levels`-level grid: a random start with every coordinate
// on the grid's lower part, then the k coordinates in random order each move by
// +-delta = levels / (2 (levels - 1)).
Design morris(int r, int k, int levels, std::uint64_t seed);

}  // namespace megacycle::designs
