#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "certledger/key_file.h"
#include "cli/cli.h"
#include "cli/file_io.h"

namespace certledger::cli {

Result<std::optional<Passphrase>> PassphraseFromArgs(const Args& args) {
  if (auto file = args.get("passphrase-file")) {
    CL_ASSIGN_OR_RETURN(std::string text, ReadFile(*file, 4096));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (text.empty()) return Status::InvalidArgument("passphrase file " + *file + " is empty");
    return std::optional<Passphrase>(Passphrase::Take(&text));
  }
  if (const char* env = std::getenv("CERTLEDGER_PASSPHRASE"); env != nullptr && *env != '\0') {
    return std::optional<Passphrase>(Passphrase::Copy(env));
  }
  return std::optional<Passphrase>();
}

int RunKeygen(const std::vector<std::string>& argv) {
  Args args("keygen",
            "Create an Ed25519 key pair: DIR/NAME.key (private, mode 0600) and DIR/NAME.pub\n"
            "(the C2SP note verifier key NAME+ID+KEY). For a log key, NAME is the log's\n"
            "origin; for an issuer, its body id. Existing files are never overwritten.\n"
            "With --encrypt the private key is sealed with a passphrase (Argon2id +\n"
            "XSalsa20-Poly1305) taken from --passphrase-file or $CERTLEDGER_PASSPHRASE.",
            {{"name", "NAME", "the key's name (no '+' or spaces)"},
             {"out", "DIR", "where to write the files (default: current directory)"},
             {"encrypt", "", "encrypt the private key with a passphrase"},
             {"passphrase-file", "FILE", "read the passphrase from FILE"}});
  if (auto rc = ParseOrExit(args, "keygen", argv)) return *rc;
  auto name = args.require("name");
  if (!name.ok()) return Fail("keygen", name.status());
  std::string dir = args.get_or("out", ".");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Fail("keygen", Status::IOError("cannot create " + dir + ": " + ec.message()));

  NamedSecretKey key{*name, SecretKey::Generate()};
  const std::string key_path = dir + "/" + *name + ".key";
  const std::string pub_path = dir + "/" + *name + ".pub";
  Status s;
  if (args.flag("encrypt")) {
    auto pass = PassphraseFromArgs(args);
    if (!pass.ok()) return Fail("keygen", pass.status());
    if (!pass->has_value()) {
      return Fail("keygen", Status::InvalidArgument(
                                "--encrypt needs --passphrase-file or $CERTLEDGER_PASSPHRASE"));
    }
    s = WriteSecretKeyFile(key_path, key, **pass);
  } else {
    s = WriteSecretKeyFile(key_path, key);
  }
  if (!s.ok()) return Fail("keygen", s);
  if (Status ps = WritePublicKeyFile(pub_path, key.Public()); !ps.ok()) {
    std::filesystem::remove(key_path);  // no half-made key pair
    return Fail("keygen", ps);
  }
  auto vkey = FormatVerifierKey(key.Public());
  std::printf("%s\n", vkey.ok() ? vkey->c_str() : "");
  std::fprintf(stderr, "wrote %s (private, 0600) and %s\n", key_path.c_str(), pub_path.c_str());
  return kExitOk;
}

}  // namespace certledger::cli
