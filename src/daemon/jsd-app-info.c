/* jsd-app-info.c: who is calling
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A caller is identified as xdg-desktop-portal does it: from the pid the bus
 * reports for its connection, a Flatpak-sandboxed process (or the
 * xdg-dbus-proxy of its sandbox) has the sandbox's metadata at
 * /proc/PID/root/.flatpak-info, which the app cannot change. A process
 * without one runs on the host, as the user.
 *
 * The bus of Debian 12 (dbus 1.14) gives no pidfd, only a pid, which a
 * process can free by exiting after it connected. So the process is
 * stamped with its start time and mount namespace, read from one
 * /proc/PID directory before and after its metadata: a process that
 * started after its connection appeared on the bus, or that changed while
 * it was read, is not the one that connected, and is refused.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
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

#define MAX_STAT_SIZE 4096

/* What tells one process from a later one with the same pid. */
typedef struct
{
  gint64 start_time;     /* microseconds since boot */
  char mnt_ns[64];
} ProcessStamp;

struct _JsdAppInfo
{
  char *app_id;
  gboolean sandboxed;
  guint32 pid;
  ProcessStamp stamp;
};

static void
jsd_app_info_clear (JsdAppInfo *self)
{
  g_free (self->app_id);
}

static JsdAppInfo *
app_info_new (const char         *app_id,
              gboolean            sandboxed,
              guint32             pid,
              const ProcessStamp *stamp)
{
  JsdAppInfo *self = g_rc_box_new0 (JsdAppInfo);

  self->app_id = g_strdup (app_id);
  self->sandboxed = sandboxed;
  self->pid = pid;
  self->stamp = *stamp;
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

/* Field 22 of /proc/PID/stat, after the command name in parentheses,
 * which may hold any byte but a NUL. */
static gboolean
parse_start_time (const char *stat,
                  gint64     *out_start_time)
{
  const char *p = strrchr (stat, ')');
  guint64 ticks;
  long ticks_per_second = sysconf (_SC_CLK_TCK);
  char *end;

  if (p == NULL || ticks_per_second <= 0)
    return FALSE;
  p++;
  for (guint field = 3; field < 22; field++)
    {
      p = strchr (p + 1, ' ');
      if (p == NULL)
        return FALSE;
    }
  errno = 0;
  ticks = g_ascii_strtoull (p + 1, &end, 10);
  if (errno != 0 || end == p + 1 || (*end != ' ' && *end != '\n' && *end != '\0') ||
      ticks > G_MAXINT64 / G_USEC_PER_SEC)
    return FALSE;
  *out_start_time = (gint64) ticks * G_USEC_PER_SEC / ticks_per_second;
  return TRUE;
}

static gboolean
read_stamp (int           pid_fd,
            ProcessStamp *stamp)
{
  char stat[MAX_STAT_SIZE];
  ssize_t n_read, length;
  int stat_fd;

  memset (stamp, 0, sizeof *stamp);
  stat_fd = openat (pid_fd, "stat", O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (stat_fd < 0)
    return FALSE;
  n_read = read (stat_fd, stat, sizeof stat - 1);
  g_close (stat_fd, NULL);
  if (n_read <= 0)
    return FALSE;
  stat[n_read] = '\0';

  length = readlinkat (pid_fd, "ns/mnt", stamp->mnt_ns, sizeof stamp->mnt_ns - 1);
  if (length <= 0 || length >= (ssize_t) sizeof stamp->mnt_ns - 1)
    return FALSE;
  stamp->mnt_ns[length] = '\0';

  return parse_start_time (stat, &stamp->start_time);
}

static gboolean
stamps_equal (const ProcessStamp *a,
              const ProcessStamp *b)
{
  return a->start_time == b->start_time && strcmp (a->mnt_ns, b->mnt_ns) == 0;
}

static JsdAppInfo *
app_info_from_flatpak_info (int                 info_fd,
                            guint32             pid,
                            const ProcessStamp *stamp,
                            GError            **error)
{
  g_autoptr(GKeyFile) metadata = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *app_id = NULL;
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

  /* Only [Application] names the app, as for the portals: Flatpak writes
   * [Runtime] too, and no other group may stand in for it. */
  app_id = g_key_file_get_string (metadata, "Application", "name", NULL);
  if (app_id == NULL || !jsd_args_check_app_id (app_id, NULL))
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                   _("The sandbox metadata of process %u has no valid application id"), pid);
      return NULL;
    }

  return app_info_new (app_id, TRUE, pid, stamp);
}

/* Blocking: reads a few small files of procfs. @proc_root is /proc, or a
 * directory laid out like it in tests. @connected_before is a time (in
 * microseconds since boot) by which the caller's connection existed: its
 * process started before. */
JsdAppInfo *
jsd_app_info_new_for_pid (const char  *proc_root,
                          guint32      pid,
                          gint64       connected_before,
                          GError     **error)
{
  g_autofree char *pid_path = NULL;
  g_autofree char *root_path = NULL;
  g_autoptr(JsdAppInfo) info = NULL;
  ProcessStamp stamp, stamp_after;
  int pid_fd, root_fd, info_fd, saved_errno;

  /* Everything is read through this directory: once the process exits,
   * it fails rather than show a later process with the same pid. */
  pid_path = g_strdup_printf ("%s/%u", proc_root, pid);
  pid_fd = open (pid_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY);
  if (pid_fd < 0 || !read_stamp (pid_fd, &stamp))
    {
      saved_errno = errno;
      if (pid_fd >= 0)
        g_close (pid_fd, NULL);
      /* Most likely the process is gone. Never take an unidentified
       * caller for an unsandboxed one. */
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                   _("Could not identify process %u: %s"), pid, g_strerror (saved_errno));
      return NULL;
    }

  if (stamp.start_time > connected_before)
    {
      g_close (pid_fd, NULL);
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                   _("Process %u started after its bus connection: it is not the caller"),
                   pid);
      return NULL;
    }

  root_path = g_strdup_printf ("%s/root", pid_path);
  root_fd = openat (pid_fd, "root", O_RDONLY | O_NONBLOCK | O_DIRECTORY | O_CLOEXEC | O_NOCTTY);
  if (root_fd < 0)
    {
      struct statfs buf;

      saved_errno = errno;
      /* A toolbox container has a FUSE root the user's processes cannot
       * open; Flatpak never does, so that is not a sandbox. */
      if (saved_errno == EACCES && statfs (root_path, &buf) == 0 && buf.f_type == FUSE_SUPER_MAGIC)
        {
          info = app_info_new (JSD_UNSANDBOXED_APP_ID, FALSE, pid, &stamp);
        }
      else
        {
          g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                       _("Could not identify process %u: %s"), pid, g_strerror (saved_errno));
        }
    }
  else
    {
      info_fd = openat (root_fd, ".flatpak-info", O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
      saved_errno = errno;
      g_close (root_fd, NULL);

      if (info_fd >= 0)
        {
          info = app_info_from_flatpak_info (info_fd, pid, &stamp, error);
          g_close (info_fd, NULL);
        }
      else if (saved_errno == ENOENT)
        {
          info = app_info_new (JSD_UNSANDBOXED_APP_ID, FALSE, pid, &stamp);
        }
      else
        {
          g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                       _("Could not open the sandbox metadata of process %u: %s"),
                       pid, g_strerror (saved_errno));
        }
    }

  /* The same process from the first read to the last. */
  if (info != NULL && (!read_stamp (pid_fd, &stamp_after) || !stamps_equal (&stamp, &stamp_after)))
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                   _("Process %u changed while it was identified"), pid);
      g_clear_pointer (&info, jsd_app_info_unref);
    }
  g_close (pid_fd, NULL);
  return g_steal_pointer (&info);
}

/* Whether the process identified as @self is still the one at its pid,
 * as it was then: a caller whose process exited, or was replaced, is no
 * longer trusted to be who it was. */
gboolean
jsd_app_info_verify (JsdAppInfo  *self,
                     const char  *proc_root,
                     GError     **error)
{
  g_autofree char *pid_path = g_strdup_printf ("%s/%u", proc_root, self->pid);
  ProcessStamp stamp;
  gboolean same;
  int pid_fd;

  pid_fd = open (pid_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY);
  same = pid_fd >= 0 && read_stamp (pid_fd, &stamp) && stamps_equal (&self->stamp, &stamp);
  if (pid_fd >= 0)
    g_close (pid_fd, NULL);
  if (!same)
    g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                 _("The process that made this connection is gone: reconnect"));
  return same;
}
