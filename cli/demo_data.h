// The demo's data set: three certifying bodies with the example keys
// (keys.example/), their issuer profiles, and the evaluation results each
// issues. Every name and ID number is synthetic (the ID numbers carry valid
// GB 11643 check digits so that the issuer accepts them).
#ifndef CERTLEDGER_CLI_DEMO_DATA_H_
#define CERTLEDGER_CLI_DEMO_DATA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "certledger/ed25519.h"
#include "certledger/record.h"

namespace certledger::cli::demo {

struct DemoBody {
  const char* signer_key;  // the example signer key (example_keys.h)
  const char* kind;        // "enterprise", "industry association", ...
  const char* profile;     // the issuer profile (issuer_profile.h)
  const char* results;     // the evaluation results, CSV; {EVAL} is a date
  // The accreditation the regulator gives this body, valid from `now`
  // minus 30 days for three years.
  Accreditation (*accreditation)(const PublicKey& key, std::uint64_t now);
};

// The enterprise (Shanghai Electric), the industry association (the gas
// association) and the title evaluation committee, in this order.
const std::vector<DemoBody>& Bodies();

// A corrected row for the enterprise: the certificate of `number` issued
// again with the work type fixed; it supersedes the old one.
std::string CorrectionCsv(const std::string& number, const std::string& eval_date);

// The holder whose certificate the demo prints and verifies: the first row
// of the enterprise's results.
inline constexpr const char* kSampleHolder = "王建国";
inline constexpr const char* kSampleId = "310101199001011234";
// The holder of the certificate that is revoked, and of the one corrected.
inline constexpr const char* kRevokedHolder = "张海峰";
inline constexpr const char* kCorrectedHolder = "赵敏";

}  // namespace certledger::cli::demo

#endif  // CERTLEDGER_CLI_DEMO_DATA_H_
