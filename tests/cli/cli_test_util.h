// Running the certledger program from tests.
#ifndef CERTLEDGER_TESTS_CLI_CLI_TEST_UTIL_H_
#define CERTLEDGER_TESTS_CLI_CLI_TEST_UTIL_H_

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>

namespace certledger::test {

struct Output {
  int exit_code = -1;
  std::string out, err;
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `command` with /bin/sh; captures stdout and stderr separately.
inline Output Shell(const std::string& command) {
  static int counter = 0;
  std::string base = std::filesystem::temp_directory_path().string() + "/certledger_cli_" +
                     std::to_string(::getpid()) + "_" + std::to_string(counter++);
  std::string full = "(" + command + ") >" + base + ".out 2>" + base + ".err </dev/null";
  int status = std::system(full.c_str());
  Output o;
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  o.out = Slurp(base + ".out");
  o.err = Slurp(base + ".err");
  std::filesystem::remove(base + ".out");
  std::filesystem::remove(base + ".err");
  return o;
}

inline Output RunProgram(const std::string& args) {
  return Shell(std::string(CERTLEDGER_PROGRAM) + " " + args);
}

// A fresh, empty directory under the temporary directory.
inline std::string TempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("certledger_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

// Copies keys.example/<name>.key and .pub into `dir`, the private key with
// mode 0600 as the key loader demands: a git checkout leaves it 0644.
inline void CopyExampleKeys(const std::string& dir, std::initializer_list<const char*> names) {
  const std::string source = std::string(CERTLEDGER_SOURCE_DIR) + "/keys.example/";
  std::filesystem::create_directories(dir);
  for (const char* name : names) {
    for (const char* ext : {".key", ".pub"}) {
      std::filesystem::copy_file(source + name + ext, dir + "/" + name + ext,
                                 std::filesystem::copy_options::overwrite_existing);
    }
    std::filesystem::permissions(dir + "/" + name + ".key",
                                 std::filesystem::perms::owner_read |
                                     std::filesystem::perms::owner_write);
  }
}

}  // namespace certledger::test

#endif  // CERTLEDGER_TESTS_CLI_CLI_TEST_UTIL_H_
