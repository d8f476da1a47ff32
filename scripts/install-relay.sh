#!/usr/bin/env bash
# Builds the GO Feature Flag relay proxy once per machine and prints the binary's path.
#
# `go install .../cmd/relayproxy@version` is refused for this module (its go.mod has replace
# directives), so the module is downloaded through the Go module proxy and built in place.
# The binary is cached under ~/.cache/flagrelay, so only the first build pays for the download.
set -euo pipefail

version="${RELAY_VERSION:-v1.55.2}"
module="github.com/thomaspoignant/go-feature-flag"
cache_dir="${FLAGRELAY_CACHE:-$HOME/.cache/flagrelay}/relayproxy-$version"
binary="$cache_dir/relayproxy"

if [[ -x "$binary" ]]; then
  echo "$binary"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "install-relay: Go is not installed; the relay proxy $version cannot be built" >&2
  exit 1
fi

mkdir -p "$cache_dir"
started=$(date +%s)
echo "install-relay: building relay proxy $version (first time on this machine)" >&2
source_dir=$(cd "${TMPDIR:-/tmp}" && go mod download -json "$module@$version" \
  | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
if [[ -z "$source_dir" || ! -d "$source_dir" ]]; then
  echo "install-relay: go mod download $module@$version gave no source folder" >&2
  exit 1
fi
(cd "$source_dir" && GOFLAGS=-mod=mod go build -trimpath -o "$binary.tmp" ./cmd/relayproxy)
mv "$binary.tmp" "$binary"
echo "install-relay: built $binary in $(( $(date +%s) - started )) s" >&2
echo "$binary"
