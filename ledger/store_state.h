// The stored tree state shared by the writer's recovery and by snapshots
// (private to ledger/).
#ifndef CERTLEDGER_LEDGER_STORE_STATE_H_
#define CERTLEDGER_LEDGER_STORE_STATE_H_

#include <memory>
#include <string>

#include "certledger/ledger_store.h"
#include "certledger/sha256.h"
#include "certledger/status.h"
#include "store_db.h"
#include "tile_edge.h"

namespace certledger::store {

// The mutable right edge of the stored tree: state, checkpoint, partials.
struct TreeState {
  std::uint64_t size = 0;
  Hash256 root{};
  std::string checkpoint;  // empty before the first commit
  TileEdge edge;
};

// Reads the state, the checkpoint and the partial tiles of the stored tree
// with `options` (which carries the snapshot, if any). Corruption if the
// state is missing or malformed, or a partial tile is missing or has the
// wrong width; IOError from RocksDB.
Result<TreeState> ReadTreeState(const Db& db, const rocksdb::ReadOptions& options);

// A snapshot of the latest tree in `db` (ledger_snapshot.cpp).
Result<LedgerSnapshot> LoadSnapshot(std::shared_ptr<Db> db);

}  // namespace certledger::store

#endif  // CERTLEDGER_LEDGER_STORE_STATE_H_
