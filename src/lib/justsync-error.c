/* justsync-error.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "justsync-error.h"

static const GDBusErrorEntry just_sync_error_entries[] = {
  { JUST_SYNC_ERROR_FAILED, "org.justsync.Sync1.Error.Failed" },
  { JUST_SYNC_ERROR_INVALID_ARGUMENT, "org.justsync.Sync1.Error.InvalidArgument" },
  { JUST_SYNC_ERROR_NOT_FOUND, "org.justsync.Sync1.Error.NotFound" },
  { JUST_SYNC_ERROR_STORAGE, "org.justsync.Sync1.Error.Storage" },
  { JUST_SYNC_ERROR_NETWORK, "org.justsync.Sync1.Error.Network" },
  { JUST_SYNC_ERROR_SERVER, "org.justsync.Sync1.Error.Server" },
  { JUST_SYNC_ERROR_AUTH, "org.justsync.Sync1.Error.Auth" },
  { JUST_SYNC_ERROR_CONFLICT, "org.justsync.Sync1.Error.Conflict" },
  { JUST_SYNC_ERROR_REJECTED, "org.justsync.Sync1.Error.Rejected" },
  { JUST_SYNC_ERROR_OFFLINE, "org.justsync.Sync1.Error.Offline" },
  { JUST_SYNC_ERROR_PROTOCOL, "org.justsync.Sync1.Error.Protocol" },
};

G_STATIC_ASSERT (G_N_ELEMENTS (just_sync_error_entries) == JUST_SYNC_ERROR_PROTOCOL + 1);

/* Binds the library's message catalog, with UTF-8 output whatever the
 * locale's codeset, as GLib libraries do. It runs when the library is
 * loaded: a lazy binding (in the error quark, say) would come too late for
 * the first message, whose translation may be looked up before
 * JUST_SYNC_ERROR is evaluated.
 * `JUSTSYNC_LOCALEDIR` points an uninstalled build (its tests) at the
 * catalogs in its build directory. */
__attribute__((constructor)) static void
just_sync_init_i18n (void)
{
  const char *localedir = g_getenv ("JUSTSYNC_LOCALEDIR");

  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
}

/**
 * just_sync_error_quark:
 *
 * Returns the quark of the %JUST_SYNC_ERROR domain. The domain is
 * registered with D-Bus, so errors cross the bus as named errors.
 *
 * Returns: the error quark
 */
GQuark
just_sync_error_quark (void)
{
  static gsize quark = 0;

  g_dbus_error_register_error_domain ("just-sync-error-quark",
                                      &quark,
                                      just_sync_error_entries,
                                      G_N_ELEMENTS (just_sync_error_entries));
  return (GQuark) quark;
}

/**
 * just_sync_error_is_transient:
 * @error: (nullable): an error
 *
 * Tells whether an operation that failed with @error may succeed if tried
 * again later: a network failure or time-out, an overloaded or failing
 * server. Authentication errors, rejections and bad input are not transient,
 * and neither is cancellation.
 *
 * Returns: %TRUE if retrying makes sense
 */
gboolean
just_sync_error_is_transient (const GError *error)
{
  if (error == NULL)
    return FALSE;

  if (error->domain == JUST_SYNC_ERROR)
    return error->code == JUST_SYNC_ERROR_NETWORK ||
           error->code == JUST_SYNC_ERROR_SERVER ||
           error->code == JUST_SYNC_ERROR_OFFLINE;

  if (error->domain == G_IO_ERROR)
    return error->code == G_IO_ERROR_TIMED_OUT ||
           error->code == G_IO_ERROR_CONNECTION_REFUSED ||
           error->code == G_IO_ERROR_CONNECTION_CLOSED ||
           error->code == G_IO_ERROR_BROKEN_PIPE ||
           error->code == G_IO_ERROR_HOST_UNREACHABLE ||
           error->code == G_IO_ERROR_NETWORK_UNREACHABLE ||
           error->code == G_IO_ERROR_NOT_CONNECTED ||
           error->code == G_IO_ERROR_HOST_NOT_FOUND ||
           error->code == G_IO_ERROR_PARTIAL_INPUT;

  if (error->domain == G_RESOLVER_ERROR)
    return TRUE;

  return FALSE;
}
