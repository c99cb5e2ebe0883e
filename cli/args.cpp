#include <cstdio>

#include "cli/cli.h"

namespace certledger::cli {

int ExitCodeFor(const Status& status) {
  // A full or failing disk under the ledger is a storage failure, whatever
  // its code (a full disk is ResourceExhausted).
  if (status.reason() == "storage_full" || status.reason() == "storage_error") return kExitIO;
  switch (status.code()) {
    case StatusCode::kOk: return kExitOk;
    case StatusCode::kVerificationFailed: return kExitFailed;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
    case StatusCode::kResourceExhausted:
    case StatusCode::kPermissionDenied: return kExitInput;
    case StatusCode::kIOError: return kExitIO;
    case StatusCode::kCorruption: return kExitCorrupt;
    case StatusCode::kInternal: return kExitInternal;
  }
  return kExitInternal;
}

int Fail(std::string_view command, const Status& status) {
  std::fprintf(stderr, "certledger %.*s: %s\n", static_cast<int>(command.size()), command.data(),
               status.ToString().c_str());
  return ExitCodeFor(status);
}

std::optional<int> ParseOrExit(Args& args, std::string_view command,
                               const std::vector<std::string>& argv) {
  if (Status s = args.Parse(argv); !s.ok()) {
    std::fprintf(stderr, "certledger %.*s: %s\nRun 'certledger %.*s --help' for usage.\n",
                 static_cast<int>(command.size()), command.data(), s.message().c_str(),
                 static_cast<int>(command.size()), command.data());
    return kExitUsage;
  }
  if (args.help_requested()) {
    std::fputs(args.Usage().c_str(), stdout);
    return kExitOk;
  }
  return std::nullopt;
}

Args::Args(std::string command, std::string summary, std::vector<Option> options,
           std::string positional_help)
    : command_(std::move(command)),
      summary_(std::move(summary)),
      positional_help_(std::move(positional_help)),
      options_(std::move(options)) {}

const Args::Option* Args::Find(std::string_view name) const {
  for (const Option& o : options_) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

Status Args::Parse(const std::vector<std::string>& argv) {
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help_ = true;
      continue;
    }
    if (arg == "--") {
      positional_.insert(positional_.end(), argv.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                         argv.end());
      break;
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      if (positional_help_.empty()) {
        return Status::InvalidArgument("unexpected argument \"" + arg + "\"");
      }
      positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const Option* opt = Find(name);
    if (opt == nullptr) return Status::InvalidArgument("unknown option --" + name);
    if (opt->value_name.empty()) {
      if (value) return Status::InvalidArgument("--" + name + " takes no value");
      values_[name] = "";
      continue;
    }
    if (!value) {
      if (i + 1 >= argv.size()) {
        return Status::InvalidArgument("--" + name + " needs a value (" + opt->value_name + ")");
      }
      value = argv[++i];
    }
    values_[name] = *value;
  }
  return Status::OK();
}

std::string Args::Usage() const {
  std::string out = "usage: certledger " + command_ + " [options]";
  if (!positional_help_.empty()) out += " " + positional_help_;
  out += "\n\n" + summary_ + "\n";
  if (!options_.empty()) out += "\noptions:\n";
  for (const Option& o : options_) {
    std::string left = "  --" + o.name + (o.value_name.empty() ? "" : " " + o.value_name);
    if (left.size() < 28) left.resize(28, ' ');
    else left += "\n" + std::string(28, ' ');
    out += left + o.help + "\n";
  }
  out += "  --help                    show this help\n";
  return out;
}

bool Args::flag(std::string_view name) const { return values_.find(name) != values_.end(); }

std::optional<std::string> Args::get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Args::get_or(std::string_view name, std::string fallback) const {
  auto v = get(name);
  return v ? *v : std::move(fallback);
}

Result<std::string> Args::require(std::string_view name) const {
  auto v = get(name);
  if (!v) return Status::InvalidArgument("--" + std::string(name) + " is required");
  return *v;
}

}  // namespace certledger::cli
