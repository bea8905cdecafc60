# Sourced by scripts/test and scripts/demo: installs the Debian 12 packages
# JustSync needs to build and test, when any is missing.

JUSTSYNC_DEB_PACKAGES=(
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libglib2.0-bin libjson-glib-dev libsoup-3.0-dev libsqlite3-dev libsecret-1-dev
  gobject-introspection libgirepository1.0-dev gir1.2-glib-2.0 gir1.2-json-1.0
  valac gjs python3-gi gi-docgen
  dbus dbus-daemon bubblewrap xdg-dbus-proxy
  valgrind curl ca-certificates
  libgtk-4-dev xvfb xauth
  postgresql-15
)

# The Supabase tests run PostgreSQL 15 behind postrust-server, a
# PostgREST-compatible server built from crates.io with Rust >= 1.94.
# Debian 12's own rustc (1.63) is too old and it has no rustup, but its
# security archive carries rustc-web and cargo-web (1.96) for Firefox
# builds: install those when no new enough cargo is around, then build
# the server once into ~/.cache/justsync (10-30 minutes the first time),
# before any test's timeout starts.
justsync_ensure_postrust () {
  local sudo=""
  if ! tests/servers/postgrest/pgrst-harness find-cargo >/dev/null 2>&1; then
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "Installing Debian's rustc-web and cargo-web to build postrust-server"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      rustc-web cargo-web
  fi
  # Not fatal here: without the server the Supabase tests say why (and
  # fail in CI).
  tests/servers/postgrest/pgrst-harness build >/dev/null ||
    echo "Could not build postrust-server; the Supabase tests will not run" >&2
}

# Usage: justsync_install_deps [PACKAGE...]; by default the packages above.
justsync_install_deps () {
  local missing=() pkg sudo="" wanted=("$@")
  [ $# -eq 0 ] && wanted=("${JUSTSYNC_DEB_PACKAGES[@]}")
  for pkg in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
      sudo="sudo"
    fi
    echo "Installing missing Debian packages: ${missing[*]}"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# clang 14 with libFuzzer and the sanitizer runtimes, for the ASan/UBSan
# leg and the fuzzers (scripts/check-memory --ci, scripts/fuzz); installed
# only when those run.
JUSTSYNC_FUZZ_DEB_PACKAGES=(clang-14 libclang-rt-14-dev)

justsync_install_fuzz_deps () {
  justsync_install_deps "${JUSTSYNC_FUZZ_DEB_PACKAGES[@]}"
}

justsync_build () {
  local builddir="$1"; shift
  if [ ! -f "$builddir/build.ninja" ]; then
    meson setup "$builddir" "$@"
  elif [ $# -gt 0 ]; then
    # An existing build dir (made by scripts/demo, say) gets the options
    # this caller needs too, instead of silently keeping its own.
    meson configure "$builddir" "$@"
  fi
  ninja -C "$builddir"
}

# The PocketBase test server is built from its Go module with Go >= the
# version its go.mod names. When no such Go is on PATH, install Debian's
# newest Go (golang-1.23 from bookworm-backports; bookworm's own 1.19 is
# too old) and let it fetch the exact toolchain from the Go module proxy,
# then put that toolchain first on PATH for the tests.
justsync_ensure_go () {
  local want have goroot sudo=""
  want="$(sed -n 's/^go \([0-9][0-9.]*\).*/\1/p' tests/servers/pocketbase/go.mod | head -n1)"
  if command -v go >/dev/null 2>&1; then
    have="$(go env GOVERSION 2>/dev/null || true)"
    have="${have#go}"
    if [ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -n1)" = "$want" ]; then
      return 0
    fi
  fi

  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ ! -x /usr/lib/go-1.23/bin/go ]; then
    echo "Installing Go 1.23 from bookworm-backports to fetch Go $want"
    if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
      echo "deb http://deb.debian.org/debian bookworm-backports main" |
        $sudo tee /etc/apt/sources.list.d/justsync-bookworm-backports.list >/dev/null
    fi
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      -t bookworm-backports golang-1.23-go
  fi
  goroot="$(GOTOOLCHAIN="go$want" /usr/lib/go-1.23/bin/go env GOROOT)"
  export PATH="$goroot/bin:$PATH"
  echo "Using Go $(go env GOVERSION) from $goroot"
}

# The build the ASan/UBSan leg and the fuzzers share: clang 14, ASan and
# UBSan, coverage instrumentation for libFuzzer everywhere (harmless for
# the tests), no introspection (g-ir-scanner cannot run sanitized code).
justsync_build_sanitized () {
  local builddir="$1"
  justsync_install_fuzz_deps
  if [ ! -f "$builddir/build.ninja" ]; then
    CC=clang-14 meson setup "$builddir" -Db_sanitize=address,undefined -Db_lundef=false \
      -Dc_args=-fsanitize=fuzzer-no-link -Dfuzzing=true \
      -Dintrospection=disabled -Dvapi=disabled -Ddocs=false
  fi
  ninja -C "$builddir"
}
