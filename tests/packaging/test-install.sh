#!/bin/sh
# Installs the build into a scratch DESTDIR and checks that everything a
# GNOME developer or distributor looks for lands where GNOME expects it;
# then builds a consumer against the uninstalled pkg-config file.
# Usage: test-install.sh BUILD-DIR
set -eu

build="$1"
dest="$(mktemp -d)"
trap 'rm -rf "$dest"' EXIT

meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >/dev/null

prefix="$(meson introspect "$build" --buildoptions |
  /usr/bin/python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')"
libdir="$(meson introspect "$build" --buildoptions |
  /usr/bin/python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "libdir"))')"
case "$libdir" in /*) ;; *) libdir="$prefix/$libdir" ;; esac
root="$dest$prefix"

failed=0
expect () {
  if [ -e "$1" ]; then
    echo "ok - ${1#$dest}"
  else
    echo "not ok - ${1#$dest} is missing"
    failed=1
  fi
}

expect "$root/include/justsync-1/justsync/justsync.h"
expect "$root/include/justsync-1/justsync/justsync-version.h"
expect "$root/include/justsync-1/justsync/justsync-enum-types.h"
expect "$dest$libdir/libjustsync-1.so.0"
expect "$dest$libdir/pkgconfig/justsync-1.pc"
expect "$dest$libdir/girepository-1.0/JustSync-1.typelib"
expect "$root/share/gir-1.0/JustSync-1.gir"
expect "$root/share/vala/vapi/justsync-1.vapi"
expect "$root/share/vala/vapi/justsync-1.deps"
expect "$root/share/dbus-1/services/org.justsync.Sync1.service"
expect "$root/share/dbus-1/interfaces/org.justsync.Sync1.Manager.xml"
expect "$root/share/dbus-1/interfaces/org.justsync.Sync1.Store.xml"
expect "$root/lib/systemd/user/justsyncd.service"
expect "$root/libexec/justsyncd"
expect "$root/bin/justsync"
expect "$root/share/justsync/pocketbase/justsync-collections.json"
expect "$root/share/justsync/supabase/justsync-schema.sql"
expect "$root/share/locale/de/LC_MESSAGES/justsync.mo"
expect "$root/share/man/man1/justsync.1"
expect "$root/share/man/man8/justsyncd.8"
expect "$root/share/bash-completion/completions/justsync"
expect "$root/share/justsync/pocketbase/README.md"
if [ -d "$build/docs/justsync-1" ]; then
  expect "$root/share/doc/justsync-1/index.html"
  expect "$root/share/doc/justsync-1/concepts.html"
  expect "$root/share/doc/justsync-1/pocketbase.html"
  expect "$root/share/doc/justsync-1/justsync-1.devhelp2"
fi

# The installed headers compile on their own, through pkg-config.
# The .pc file as installed, with its prefix moved into DESTDIR.
pcdir="$dest/pkgconfig"
mkdir "$pcdir"
sed "s|^prefix=.*|prefix=$root|" "$dest$libdir/pkgconfig/justsync-1.pc" > "$pcdir/justsync-1.pc"
cat > "$dest/consumer.c" <<'C'
#include <justsync/justsync.h>

int
main (void)
{
  g_autoptr(JustSyncMemoryRemoteStore) remote = just_sync_memory_remote_store_new ();

  return remote == NULL;
}
C
if cc -fsyntax-only "$dest/consumer.c" \
     $(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags justsync-1); then
  echo "ok - a consumer compiles against the installed headers"
else
  echo "not ok - a consumer does not compile against the installed headers"
  failed=1
fi

# And links against the build tree through the uninstalled .pc file.
if PKG_CONFIG_PATH="$build/meson-uninstalled" cc "$dest/consumer.c" -o "$dest/consumer" \
     $(PKG_CONFIG_PATH="$build/meson-uninstalled" pkg-config --cflags --libs justsync-1) &&
   LD_LIBRARY_PATH="$build/src/lib" "$dest/consumer"; then
  echo "ok - a consumer builds and runs against the uninstalled pkg-config file"
else
  echo "not ok - a consumer does not build against the uninstalled pkg-config file"
  failed=1
fi

exit "$failed"
