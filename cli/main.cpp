// certledger: the command-line program. Parses arguments and calls the
// libraries; every subcommand lives in its own commands_*.cpp.
#include <cstdio>
#include <exception>

#include "cli/cli.h"

int main(int argc, char** argv) {
  try {
    return certledger::cli::Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "certledger: internal error: %s\n", e.what());
    return certledger::cli::kExitInternal;
  }
}
