/* jsd-app-info.c: who is calling
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A caller is identified as xdg-desktop-portal does it: from the pid the bus
 * reports for its connection, a Flatpak-sandboxed process (or the
 * xdg-dbus-proxy of its sandbox) has the sandbox's metadata at
 * /proc/PID/root/.flatpak-info, which the app cannot change. A process
 * without one runs on the host, as the user.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "jsd-app-info.h"
#include "jsd-args.h"

#define FUSE_SUPER_MAGIC 0x65735546
#define MAX_FLATPAK_INFO_SIZE (1024 * 1024)

struct _JsdAppInfo
{
  char *app_id;
  gboolean sandboxed;
};

static void
jsd_app_info_clear (JsdAppInfo *self)
{
  g_free (self->app_id);
}

static JsdAppInfo *
app_info_new (const char *app_id,
              gboolean    sandboxed)
{
  JsdAppInfo *self = g_rc_box_new0 (JsdAppInfo);

  self->app_id = g_strdup (app_id);
  self->sandboxed = sandboxed;
  return self;
}

JsdAppInfo *
jsd_app_info_ref (JsdAppInfo *self)
{
  return g_rc_box_acquire (self);
}

void
jsd_app_info_unref (JsdAppInfo *self)
{
  g_rc_box_release_full (self, (GDestroyNotify) jsd_app_info_clear);
}

const char *
jsd_app_info_get_app_id (JsdAppInfo *self)
{
  return self->app_id;
}

gboolean
jsd_app_info_is_sandboxed (JsdAppInfo *self)
{
  return self->sandboxed;
}

/* Unsandboxed callers run as the user, who owns every store anyway; a
 * sandboxed one is confined to its own application. */
gboolean
jsd_app_info_may_act_for (JsdAppInfo *self,
                          const char *app_id)
{
  return !self->sandboxed || g_strcmp0 (self->app_id, app_id) == 0;
}

static JsdAppInfo *
app_info_from_flatpak_info (int      info_fd,
                            guint32  pid,
                            GError **error)
{
  g_autoptr(GKeyFile) metadata = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *app_id = NULL;
  const char *group = "Application";
  struct stat st;
  gssize n_read;

  if (fstat (info_fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > MAX_FLATPAK_INFO_SIZE)
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                   _("The sandbox metadata of process %u is not a regular file"), pid);
      return NULL;
    }

  data = g_malloc (st.st_size + 1);
  n_read = read (info_fd, data, st.st_size);
  if (n_read < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                   _("Could not read the sandbox metadata of process %u: %s"),
                   pid, g_strerror (saved_errno));
      return NULL;
    }
  data[n_read] = '\0';

  if (!g_key_file_load_from_data (metadata, data, n_read, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                   _("Could not load the sandbox metadata of process %u: %s"),
                   pid, local_error->message);
      return NULL;
    }

  /* A runtime run as an app (flatpak run --runtime) names itself there. */
  if (g_key_file_has_group (metadata, "Runtime"))
    group = "Runtime";
  app_id = g_key_file_get_string (metadata, group, "name", NULL);
  if (app_id == NULL || !jsd_args_check_app_id (app_id, NULL))
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                   _("The sandbox metadata of process %u has no valid application id"), pid);
      return NULL;
    }

  return app_info_new (app_id, TRUE);
}

/* Blocking: reads a few small files of procfs. @proc_root is /proc, or a
 * directory laid out like it in tests. */
JsdAppInfo *
jsd_app_info_new_for_pid (const char  *proc_root,
                          guint32      pid,
                          GError     **error)
{
  g_autofree char *root_path = NULL;
  int root_fd, info_fd, saved_errno;
  JsdAppInfo *info;

  root_path = g_strdup_printf ("%s/%u/root", proc_root, pid);
  root_fd = open (root_path, O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_CLOEXEC | O_NOCTTY);
  if (root_fd < 0)
    {
      struct statfs buf;

      saved_errno = errno;
      /* A toolbox container has a FUSE root the user's processes cannot
       * open; Flatpak never does, so that is not a sandbox. */
      if (saved_errno == EACCES && statfs (root_path, &buf) == 0 && buf.f_type == FUSE_SUPER_MAGIC)
        return app_info_new (JSD_UNSANDBOXED_APP_ID, FALSE);

      /* Most likely the process is gone. Never take an unidentified
       * caller for an unsandboxed one. */
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                   _("Could not identify process %u: %s"), pid, g_strerror (saved_errno));
      return NULL;
    }

  info_fd = openat (root_fd, ".flatpak-info", O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
  saved_errno = errno;
  g_close (root_fd, NULL);

  if (info_fd < 0)
    {
      if (saved_errno == ENOENT)
        return app_info_new (JSD_UNSANDBOXED_APP_ID, FALSE);

      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                   _("Could not open the sandbox metadata of process %u: %s"),
                   pid, g_strerror (saved_errno));
      return NULL;
    }

  info = app_info_from_flatpak_info (info_fd, pid, error);
  g_close (info_fd, NULL);
  return info;
}
