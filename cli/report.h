// Text shown to people on the command line.
#ifndef CERTLEDGER_CLI_REPORT_H_
#define CERTLEDGER_CLI_REPORT_H_

#include <string>
#include <vector>

#include "certledger/verify.h"

namespace certledger::cli {

// The verdict in Chinese and English, the certificate and the issuer.
std::string FormatVerification(const Verification& v);

// Reads a file of base64 COSE records, one a line ('#' starts a comment).
Result<std::vector<SignedRecord>> ReadRecordLines(const std::string& path);

}  // namespace certledger::cli

#endif  // CERTLEDGER_CLI_REPORT_H_
