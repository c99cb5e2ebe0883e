// Reading a file named on the command line, "-" for standard input. Writes
// go through certledger/file_util.h.
#ifndef CERTLEDGER_CLI_FILE_IO_H_
#define CERTLEDGER_CLI_FILE_IO_H_

#include <string>

#include "certledger/bytes.h"
#include "certledger/status.h"

namespace certledger::cli {

// Reads a whole file (ReadWholeFile), or standard input for "-".
// NotFound / IOError; ResourceExhausted past `max_bytes`.
Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes = 64 << 20);

}  // namespace certledger::cli

#endif  // CERTLEDGER_CLI_FILE_IO_H_
