#pragma once
// Cereal helpers for the state structs' serialize() functions (checkpoints, engine/io/checkpoint_folder.hpp).
// State is saved into a Cereal binary archive and loaded back into a model built afresh from the same
// scenario, so a load fills objects in place: what is fixed by the scenario (references, pointers to
// the scenario, sizes) is already there and is never read from the archive.
#include <cereal/cereal.hpp>
#include <cereal/types/array.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "engine/error.hpp"

namespace megacycle {

// A vector whose length the scenario fixes (firms, stocks, vendors): saved as its length and elements,
// loaded into the elements already built, refusing another length (`what` names it in the message).
template <class Archive, class T>
void serialize_in_place(Archive& ar, std::vector<T>& v, const char* what) {
  std::uint64_t n = v.size();
  ar(n);
  if (n != v.size())
    throw InputError(std::string("checkpoint holds ") + std::to_string(n) + " " + what + "; this run has " +
                     std::to_string(v.size()));
  for (auto& x : v) ar(x);
}

// A struct of plain numbers (no pointers, no padding that matters) saved as its bytes, so that a field
// added to it later is saved without touching this call.
template <class Archive, class T>
void serialize_bytes(Archive& ar, T& x) {
  static_assert(std::is_trivially_copyable_v<T> && std::is_standard_layout_v<T>);
  ar(cereal::binary_data(&x, sizeof x));
}

}  // namespace megacycle
