// Crash safety of the ledger: a child process appends batches and is killed
// with SIGKILL at a random moment, many times over; after each kill the
// parent reopens the store and checks that it holds exactly a tree signed
// by the log (DESIGN.md, "The log": an entry is acknowledged only once it
// is durable and covered by a signed checkpoint).
//
// Each round:
//   - the child opens a Ledger on the shared directory and appends pre-signed
//     certificates from several threads (one with SubmitMany, the others
//     with Submit), writing every acknowledged (index, record hash) into a
//     pipe only after the call returned;
//   - the parent kills it after a random delay (sometimes within the first
//     milliseconds, so during Ledger::Open), then checks, with the store
//     reopened: the stored checkpoint verifies with the log key and names
//     the stored size and root; the root recomputed from every stored entry
//     equals it; every acknowledged record is at its index (and a record is
//     never acknowledged at two indexes); nothing exists at or past the
//     size; the tree is consistent with the previous round's checkpoint
//     (RFC 9162 consistency proof); and Ledger::Open accepts the store and
//     appends the next record at exactly index `size`.
//
// Bounded run time: rounds stop after kBudget (40 s) of crashing or after
// kMaxRounds (60), whichever comes first (at least kMinRounds). With the
// signing before the first fork the whole test takes about 45 s in a
// Release build and about 65 s in a Debug build with ASan, on 2 loaded
// cores. The seed and the number of rounds are printed; set
// CERTLEDGER_CRASH_SEED to replay a seed.
#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <thread>

#include "certledger/checkpoint.h"
#include "certledger/leaf.h"
#include "certledger/merkle.h"
#include "store_test_util.h"
#include "test_world.h"

using namespace certledger;
using certledger::test::TempDir;
using certledger::test::World;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kBudget = std::chrono::seconds(40);
constexpr int kMaxRounds = 60;
constexpr int kMinRounds = 10;
constexpr std::size_t kPoolSize = 24000;   // pre-signed certificates
constexpr std::size_t kWindow = 4000;      // records a child tries to append
constexpr int kSubmitThreads = 2;          // besides the SubmitMany thread
constexpr std::size_t kManyBatch = 200;    // records per SubmitMany call

// One acknowledgement, written by the child to the pipe in one write()
// (well under PIPE_BUF, so never interleaved or torn).
struct Ack {
  std::uint64_t position;  // in the pool
  std::uint64_t index;
  std::uint8_t record_hash[32];
};

void WriteAck(int fd, std::size_t position, const AppendResult& r, const Hash256& record_hash) {
  Ack ack{};
  ack.position = position;
  ack.index = r.index;
  std::memcpy(ack.record_hash, record_hash.data(), 32);
  if (::write(fd, &ack, sizeof ack) != static_cast<ssize_t>(sizeof ack)) ::_exit(3);
}

[[noreturn]] void ChildFails(int code, const Status& status) {
  std::fprintf(stderr, "crash test child: %s\n", status.ToString().c_str());
  ::_exit(code);
}

// The child: appends pool[first, first + kWindow) until killed. Never
// returns. Exit codes: 0 done, 2 open failed, 3 pipe failed, 4 an append
// failed (the error on stderr).
[[noreturn]] void Child(World& w, const std::string& path, const std::vector<Bytes>& pool,
                        std::size_t first, int fd) {
  auto opened = Ledger::Open(w.Options(path), test::KeyFromByte(w.log.name, 2));
  if (!opened.ok()) ChildFails(2, opened.status());
  Ledger& ledger = **opened;
  const std::size_t end = std::min(pool.size(), first + kWindow);
  // Slices: SubmitMany takes every (kSubmitThreads + 1)-th block of
  // kManyBatch records, the Submit threads the blocks between.
  auto slice = [&](int t, auto&& append) {
    for (std::size_t b = first + t * kManyBatch; b < end; b += (kSubmitThreads + 1) * kManyBatch) {
      append(b, std::min(end, b + kManyBatch));
    }
  };
  std::vector<std::thread> threads;
  threads.emplace_back([&] {
    slice(0, [&](std::size_t b, std::size_t e) {
      std::vector<Bytes> records(pool.begin() + b, pool.begin() + e);
      auto results = ledger.SubmitMany(std::move(records), 2);
      for (std::size_t i = 0; i < results.size(); ++i) {
        if (!results[i].ok()) ChildFails(4, results[i].status());
        WriteAck(fd, b + i, *results[i], Sha256::Hash(pool[b + i]));
      }
    });
  });
  for (int t = 1; t <= kSubmitThreads; ++t) {
    threads.emplace_back([&, t] {
      slice(t, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
          auto r = ledger.Submit(pool[i]);
          if (!r.ok()) ChildFails(4, r.status());
          WriteAck(fd, i, *r, Sha256::Hash(pool[i]));
        }
      });
    });
  }
  for (auto& t : threads) t.join();
  ::_exit(0);
}

// Reads whatever the pipe holds into `buffer` until `deadline` (or EOF when
// `until_eof`).
void Drain(int fd, std::string& buffer, Clock::time_point deadline, bool until_eof) {
  char chunk[8192];
  for (;;) {
    int timeout = -1;
    if (!until_eof) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return;
      timeout = static_cast<int>(left.count());
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return;
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
}

std::uint64_t Seed() {
  if (const char* s = std::getenv("CERTLEDGER_CRASH_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

}  // namespace

TEST_CASE("a ledger killed at random points reopens as its last signed tree", "[crash]") {
  World w;
  TempDir dir("crash");
  const std::string path = dir.path() + "/ledger";
  const std::uint64_t seed = Seed();
  std::mt19937_64 rng(seed);

  // Everything is signed before the first fork.
  const Bytes accreditation =
      w.Accredit(World::BodyAccreditation("alpha-works", w.alpha.key.public_key()));
  std::vector<Bytes> pool(kPoolSize);
  {
    std::vector<std::thread> signers;
    for (std::size_t t = 0; t < 2; ++t) {
      signers.emplace_back([&, t] {
        World local;  // each thread its own builder
        for (std::size_t i = t; i < pool.size(); i += 2) {
          pool[i] = local.Certify("CR-" + std::to_string(i), local.alpha);
        }
      });
    }
    for (auto& s : signers) s.join();
  }
  std::vector<Bytes> fresh;  // appended by the parent after each round
  for (int i = 0; i < kMaxRounds; ++i) fresh.push_back(w.Certify("PARENT-" + std::to_string(i), w.alpha));

  // The log with its accreditation; then nothing of RocksDB stays open.
  Checkpoint previous;
  {
    auto ledger = w.Open(path);
    REQUIRE(ledger->Submit(accreditation).ok());
    auto snap = ledger->Snapshot();
    REQUIRE(snap.ok());
    previous = {w.log.name, snap->size(), snap->root(), {}};
  }

  std::map<std::uint64_t, Hash256> acked;     // index -> record hash, over all rounds
  std::map<Hash256, std::uint64_t> index_of;  // and back
  // Where the next child starts in the pool: a little before the furthest
  // acknowledged record, so that some records come again (duplicates).
  std::size_t next_first = 0;
  std::size_t killed = 0, finished = 0, silent = 0, total_acks = 0;
  const auto start = Clock::now();
  int round = 0;
  for (; round < kMaxRounds && (Clock::now() - start < kBudget || round < kMinRounds); ++round) {
    CAPTURE(seed, round);
    // A fifth of the kills land within the first 30 ms (mostly in Open).
    const int delay_ms = std::uniform_int_distribution<int>(0, 99)(rng) < 20
                             ? std::uniform_int_distribution<int>(0, 30)(rng)
                             : std::uniform_int_distribution<int>(0, 400)(rng);
    const std::size_t first = next_first % kPoolSize;
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(fds[0]);
      Child(w, path, pool, first, fds[1]);
    }
    ::close(fds[1]);
    std::string buffer;
    Drain(fds[0], buffer, Clock::now() + std::chrono::milliseconds(delay_ms), false);
    ::kill(pid, SIGKILL);
    Drain(fds[0], buffer, {}, true);
    ::close(fds[0]);
    int wstatus = 0;
    REQUIRE(::waitpid(pid, &wstatus, 0) == pid);
    if (WIFSIGNALED(wstatus)) {
      REQUIRE(WTERMSIG(wstatus) == SIGKILL);
      ++killed;
    } else {
      // The child finished its window (or failed) before the kill.
      REQUIRE(WIFEXITED(wstatus));
      REQUIRE(WEXITSTATUS(wstatus) == 0);
      ++finished;
    }
    REQUIRE(buffer.size() % sizeof(Ack) == 0);
    if (buffer.empty()) ++silent;  // killed before its first acknowledgement

    // Acknowledged records: each at one index only, ever.
    std::size_t furthest = 0;
    for (std::size_t off = 0; off < buffer.size(); off += sizeof(Ack)) {
      Ack ack;
      std::memcpy(&ack, buffer.data() + off, sizeof ack);
      Hash256 hash;
      std::memcpy(hash.data(), ack.record_hash, 32);
      auto [it, inserted] = acked.emplace(ack.index, hash);
      REQUIRE(it->second == hash);
      auto [at, first_time] = index_of.emplace(hash, ack.index);
      REQUIRE(at->second == ack.index);
      REQUIRE(ack.position < pool.size());
      REQUIRE(Sha256::Hash(pool[ack.position]) == hash);
      furthest = std::max<std::size_t>(furthest, ack.position);
      ++total_acks;
    }
    if (!buffer.empty()) next_first = furthest > 100 ? furthest - 100 : 0;
    if (next_first + 500 >= kPoolSize) next_first = 0;  // again from the start: all duplicates

    // 1. The store opens and its checkpoint is the log's, for its tree.
    std::uint64_t size = 0;
    {
      auto store = LedgerStore::Open(path);
      REQUIRE(store.ok());
      auto snap = store->Snapshot();
      REQUIRE(snap.ok());
      size = snap->size();
      auto cp = OpenCheckpoint(snap->checkpoint(), w.log.Public());
      REQUIRE(cp.ok());
      REQUIRE(cp->size == size);
      REQUIRE(cp->root == snap->root());

      // 2. The root recomputed from every stored entry.
      std::vector<Hash256> leaves;
      leaves.reserve(size);
      for (std::uint64_t i = 0; i < size; ++i) {
        auto entry = snap->Entry(i);
        REQUIRE(entry.ok());
        leaves.push_back(certledger::testing::NaiveLeafHash(*entry));
      }
      REQUIRE(MerkleTreeHash(leaves) == cp->root);

      // 3. Every acknowledged record, at its index.
      for (const auto& [index, hash] : acked) {
        REQUIRE(index < size);
        auto entry = snap->Entry(index);
        REQUIRE(entry.ok());
        auto leaf = DecodeLeaf(*entry);
        REQUIRE(leaf.ok());
        REQUIRE(Sha256::Hash(leaf->record) == hash);
        auto found = snap->FindRecordHash(hash);
        REQUIRE(found.ok());
        REQUIRE(*found == index);
      }

      // 4. Nothing at or past the size.
      CHECK(snap->Entry(size).status().code() == StatusCode::kNotFound);
      CHECK(snap->EntryBundle(size / 256, static_cast<int>(size % 256) + 1).status().code() ==
            StatusCode::kNotFound);

      // 5. Consistent with the previous round's checkpoint.
      REQUIRE(size >= previous.size);
      auto proof = snap->ConsistencyProof(previous.size, size);
      REQUIRE(proof.ok());
      REQUIRE(VerifyConsistency(previous.size, size, *proof, previous.root, cp->root).ok());
    }

    // 6. The ledger opens on it and appends the next entry at `size`: no
    // key at or past the size is left over (the store refuses to overwrite).
    {
      auto ledger = Ledger::Open(w.Options(path), test::KeyFromByte(w.log.name, 2));
      REQUIRE(ledger.ok());
      auto r = (*ledger)->Submit(fresh[static_cast<std::size_t>(round)]);
      REQUIRE(r.ok());
      REQUIRE(r->index == size);
      REQUIRE_FALSE(r->duplicate);
      auto snap = (*ledger)->Snapshot();
      REQUIRE(snap.ok());
      auto cp = OpenCheckpoint(snap->checkpoint(), w.log.Public());
      REQUIRE(cp.ok());
      REQUIRE(cp->size == size + 1);
      previous = *cp;
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("crash test: seed %llu, %d rounds (%zu killed, %zu of them before any "
              "acknowledgement; %zu finished first) in %.1f s; %zu acknowledgements, final tree "
              "size %llu\n",
              static_cast<unsigned long long>(seed), round, killed, silent, finished, seconds,
              total_acks, static_cast<unsigned long long>(previous.size));
  CHECK(round >= kMinRounds);
  CHECK(killed > 0);
  CHECK(total_acks > 0);
}
