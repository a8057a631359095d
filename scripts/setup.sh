#!/usr/bin/env bash
# Installs the Debian 12 packages giotmau needs, quietly and only when something is missing.
# Idempotent: when everything is present it prints nothing and touches nothing.
set -euo pipefail

# clang, its sanitizer/libFuzzer runtimes and llvm-symbolizer: the ASan+UBSan
# build and the scenario-loader fuzz target that .ci/run adds (scripts/sanitize).
packages=(
  build-essential cmake pkg-config
  libboost-graph-dev libtbb-dev libhdf5-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libtomlplusplus-dev libcli11-dev librandom123-dev
  python3 python3-h5py python3-numpy python3-pandas python3-matplotlib
  python3-xarray python3-h5netcdf python3-simpy3 python3-plotly chromium
  libopenmpi-dev openmpi-bin
  clang libclang-rt-14-dev llvm-14
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing missing Debian packages: ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
