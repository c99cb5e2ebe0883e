#!/usr/bin/env bash
# Installs every Debian package certledger needs to build, test and run its
# demo, and nothing else. This script is the only place that lists them.
# Idempotent: packages already installed are skipped, and `apt-get update`
# runs at most once, only when something is missing.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config git ca-certificates
  # libraries the code links against
  libssl-dev        # SHA-256 (EVP), later TLS
  libsodium-dev     # Ed25519, randomness, key encryption
  librocksdb-dev    # the ledger's storage
  libboost1.81-dev  # Boost.Beast and Asio for the verifier
  libqrencode-dev   # QR code generation
  zlib1g-dev        # QR payload compression, PNG writing
  libzbar-dev       # the verifier decodes uploaded photos of QR codes
  libpng-dev libjpeg-dev  # ... which arrive as PNG or JPEG
  libcairo2-dev libpango1.0-dev  # the printable certificate (PDF, PNG)
  fonts-noto-cjk    # Chinese text on the printable certificate
  catch2            # unit tests (Catch2 2.13)
  # tools the tests use for round trips against real implementations
  zbar-tools        # zbarimg decodes the QR images we render
  chromium          # headless browser tests of the verification page
  wrk               # HTTP load for the verifier benchmark
  clang             # libFuzzer targets in fuzz/ (clang++ -fsanitize=fuzzer)
  libclang-rt-14-dev  # ... whose fuzzer/ASan runtimes clang only recommends
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "setup: missing packages: ${missing[*]}" >&2
  echo "setup: run as root (or with sudo) to install them" >&2
  exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
