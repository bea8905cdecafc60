#!/bin/sh
# Usage: private-bus.sh SESSION_CONF COMMAND [ARGUMENT...]
# Runs COMMAND on a private session bus whose activated daemon keeps its
# data in a fresh temporary directory, removed afterwards.
set -eu

conf="$1"; shift
tmp="$(mktemp -d "${TMPDIR:-/tmp}/justsync-dbus-test-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config"
export XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/runtime"
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

dbus-run-session --config-file="$conf" -- "$@"
