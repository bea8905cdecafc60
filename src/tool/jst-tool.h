/* jst-tool.h: what the justsync commands share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "jsd-dbus-generated.h"

G_BEGIN_DECLS

/* The exit codes of justsync, documented in its --help. */
typedef enum
{
  JST_EXIT_OK = 0,
  JST_EXIT_FAILED = 1,
  JST_EXIT_USAGE = 2,
  JST_EXIT_INVALID = 3,
  JST_EXIT_NOT_FOUND = 4,
  JST_EXIT_UNAVAILABLE = 5,
  JST_EXIT_AUTH = 6,
  JST_EXIT_REJECTED = 7,
  JST_EXIT_DENIED = 8,
  JST_EXIT_NO_SERVICE = 9,
} JstExit;

/* Options every command takes. */
typedef struct
{
  char *app_id;
  char *store_name;
  gboolean json;
} JstGlobals;

typedef struct _JstCommand JstCommand;

struct _JstCommand
{
  const char *name;
  const char *parameters;
  const char *summary;
  int (*run) (const JstCommand  *command,
              JstGlobals        *globals,
              int                argc,
              char             **argv);
};

GOptionContext       *jst_option_context_new     (JstGlobals          *globals,
                                                  const JstCommand    *command,
                                                  const GOptionEntry  *entries);
int                   jst_parse_args             (GOptionContext      *context,
                                                  int                 *argc,
                                                  char              ***argv,
                                                  int                  min_args,
                                                  int                  max_args);
int                   jst_fail                   (const GError        *error);
void                  jst_print_json             (JsonNode            *node,
                                                  gboolean             pretty);
JsonNode             *jst_parse_json             (const char          *text,
                                                  GError             **error);

_JustSyncGenStore    *jst_open_store             (JstGlobals          *globals,
                                                  GVariant            *options,
                                                  GError             **error);

int                   jst_command_demo           (const JstCommand    *command,
                                                  JstGlobals          *globals,
                                                  int                  argc,
                                                  char               **argv);
int                   jst_command_open           (const JstCommand    *command,
                                                  JstGlobals          *globals,
                                                  int                  argc,
                                                  char               **argv);
int                   jst_command_query          (const JstCommand    *command,
                                                  JstGlobals          *globals,
                                                  int                  argc,
                                                  char               **argv);
int                   jst_command_get            (const JstCommand    *command,
                                                  JstGlobals          *globals,
                                                  int                  argc,
                                                  char               **argv);
int                   jst_command_create         (const JstCommand    *command,
                                                  JstGlobals          *globals,
                                                  int                  argc,
                                                  char               **argv);
int                   jst_command_update         (const JstCommand    *command,
                                                  JstGlobals          *globals,
                                                  int                  argc,
                                                  char               **argv);
int                   jst_command_patch          (const JstCommand    *command,
                                                  JstGlobals          *globals,
                                                  int                  argc,
                                                  char               **argv);
int                   jst_command_delete         (const JstCommand    *command,
                                                  JstGlobals          *globals,
                                                  int                  argc,
                                                  char               **argv);
int                   jst_command_sync           (const JstCommand    *command,
                                                  JstGlobals          *globals,
                                                  int                  argc,
                                                  char               **argv);
int                   jst_command_status         (const JstCommand    *command,
                                                  JstGlobals          *globals,
                                                  int                  argc,
                                                  char               **argv);
int                   jst_command_watch          (const JstCommand    *command,
                                                  JstGlobals          *globals,
                                                  int                  argc,
                                                  char               **argv);
int                   jst_command_pending        (const JstCommand    *command,
                                                  JstGlobals          *globals,
                                                  int                  argc,
                                                  char               **argv);

G_END_DECLS
