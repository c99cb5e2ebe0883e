// Helpers shared by the benchmark programs: failing loudly, reading the
// example files, and CPU time of the process and of the ledger's sequencer.
// Header-only; each benchmark is one program.
#ifndef CERTLEDGER_BENCH_BENCH_UTIL_H_
#define CERTLEDGER_BENCH_BENCH_UTIL_H_

#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "certledger/key_file.h"
#include "certledger/status.h"

namespace certledger::bench {

// Prints "<program>: <what>" and exits 1.
[[noreturn]] inline void Die(const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, what.c_str());
  std::exit(1);
}

template <typename T>
T Check(Result<T> r, const char* what) {
  if (!r.ok()) Die(std::string(what) + ": " + r.status().ToString());
  return std::move(r).value();
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The key files are read as text, so that the example keys' file modes
// (git does not keep them) do not matter here.
inline NamedSecretKey SignerKey(const std::string& path) {
  std::string text = ReadText(path);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return Check(ParseSignerKey(text), path.c_str());
}

inline double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

// CPU seconds of the threads named "cl-sequencer" (the ledger's sequencer).
inline double SequencerCpuSeconds() {
  double total = 0;
  const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    if (name != "cl-sequencer") continue;
    std::ifstream stat(task.path() / "stat");
    std::string line;
    std::getline(stat, line);
    // After the ")" that ends the name: utime is field 14, stime 15.
    std::size_t at = line.rfind(')');
    if (at == std::string::npos) continue;
    std::istringstream fields(line.substr(at + 2));
    std::string f;
    std::vector<std::string> v;
    while (fields >> f) v.push_back(f);
    if (v.size() > 12) total += (std::stod(v[11]) + std::stod(v[12])) / tick;
  }
  return total;
}

// Calls of `op` per second: `op` runs in batches (doubling while they are
// short) until `seconds` of wall-clock time have passed.
inline double RatePerSecond(const std::function<void()>& op, double seconds) {
  using Clock = std::chrono::steady_clock;
  std::uint64_t count = 0;
  std::uint64_t batch = 16;
  const Clock::time_point start = Clock::now();
  double elapsed = 0;
  do {
    for (std::uint64_t i = 0; i < batch; ++i) op();
    count += batch;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (elapsed < seconds / 10) batch *= 2;
  } while (elapsed < seconds);
  return static_cast<double>(count) / elapsed;
}

}  // namespace certledger::bench

#endif  // CERTLEDGER_BENCH_BENCH_UTIL_H_
