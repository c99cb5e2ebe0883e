// Small file helpers for the command line: whole-file reads and atomic
// writes (temporary file, fsync, rename), with errors as Status.
#ifndef CERTLEDGER_CLI_FILE_IO_H_
#define CERTLEDGER_CLI_FILE_IO_H_

#include <string>

#include "certledger/bytes.h"
#include "certledger/status.h"

namespace certledger::cli {

// Reads a whole file, or standard input for "-". NotFound / IOError.
Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes = 64 << 20);
// Writes `data` to `path` atomically (mode 0644). IOError naming the path.
Status WriteFileAtomic(const std::string& path, ByteView data);

}  // namespace certledger::cli

#endif  // CERTLEDGER_CLI_FILE_IO_H_
