/* jsd-args.c: checks of the arguments that come from the bus
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything a client sends is checked here before it reaches a store, so
 * that bad input gets a named error that says what is wrong, and never a
 * crash.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "jsd-args.h"

/* At most @max_bytes of @text, to quote in an error message: cut at a
 * character boundary, and valid UTF-8 whatever @text holds, since an error
 * goes back over D-Bus, which carries nothing else. */
static char *
quote_prefix (const char *text,
              gsize       max_bytes)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  const char *end = valid;

  while (*end != '\0')
    {
      const char *next = g_utf8_next_char (end);

      if ((gsize) (next - valid) > max_bytes)
        break;
      end = next;
    }
  return g_strndup (valid, end - valid);
}

static gboolean
check_length (const char  *what,
              const char  *text,
              gsize        max_length,
              GError     **error)
{
  gsize length = strlen (text);

  if (length > max_length)
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("%s is %lu bytes long; the limit is %lu"),
                   what, (gulong) length, (gulong) max_length);
      return FALSE;
    }
  return TRUE;
}

JustSyncScope *
jsd_args_parse_scope (const char  *text,
                      GError     **error)
{
  if (!check_length (_("The scope"), text, JSD_MAX_SCOPE_LENGTH, error))
    return NULL;
  return just_sync_scope_parse (text, error);
}

gboolean
jsd_args_check_id (const char  *id,
                   GError     **error)
{
  if (id[0] == '\0')
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("A record id must not be empty"));
      return FALSE;
    }
  return check_length (_("The record id"), id, JSD_MAX_ID_LENGTH, error);
}

/* The names of the fields a Patch removes: a bounded list of non-empty
 * names of bounded length. */
gboolean
jsd_args_check_field_names (const char * const  *names,
                            GError             **error)
{
  guint n = g_strv_length ((GStrv) names);

  if (n > JSD_MAX_FIELD_NAMES)
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("At most %u field names can be given, not %u"), JSD_MAX_FIELD_NAMES, n);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      if (names[i][0] == '\0')
        {
          g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                               _("A field name must not be empty"));
          return FALSE;
        }
      if (!check_length (_("A field name"), names[i], JSD_MAX_FIELD_LENGTH, error))
        return FALSE;
    }
  return TRUE;
}

JsonObject *
jsd_args_parse_payload (const char  *json,
                        GError     **error)
{
  g_autoptr(JustSyncRecord) record = NULL;

  if (!check_length (_("The payload"), json, JSD_MAX_PAYLOAD_LENGTH, error))
    return NULL;

  /* The library refuses deep nesting before parsing, and anything but
   * exactly one JSON object. */
  record = just_sync_record_new_from_data ("payload", json, 0, 0, error);
  if (record == NULL)
    return NULL;
  return json_object_ref (just_sync_record_get_payload (record));
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-' || c == '.';
}

gboolean
jsd_args_check_store_name (const char  *name,
                           GError     **error)
{
  gsize length = strlen (name);
  g_autofree char *shown = NULL;

  if (length == 0 || length > JSD_MAX_NAME_LENGTH || !g_ascii_isalnum (name[0]))
    goto invalid;
  for (gsize i = 0; i < length; i++)
    if (!is_name_char (name[i]))
      goto invalid;
  return TRUE;

invalid:
  shown = quote_prefix (name, JSD_MAX_NAME_LENGTH);
  g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a valid store name: use 1 to %d ASCII letters, digits, "
                 "“_”, “-” and “.”, starting with a letter or a digit"),
               shown, JSD_MAX_NAME_LENGTH);
  return FALSE;
}

/* Flatpak's rule for application ids: dot-separated elements of
 * [A-Za-z0-9_-] that do not start with a digit. The unsandboxed pseudo-app
 * "unsandboxed" and other single-element names are accepted for callers
 * outside a sandbox, which may name any application they act for. */
gboolean
jsd_args_check_app_id (const char  *app_id,
                       GError     **error)
{
  gsize length = strlen (app_id);
  gboolean element_start = TRUE;
  g_autofree char *shown = NULL;

  if (length == 0 || length > JSD_MAX_APP_ID_LENGTH)
    goto invalid;

  for (gsize i = 0; i < length; i++)
    {
      char c = app_id[i];

      if (c == '.')
        {
          if (element_start)
            goto invalid;
          element_start = TRUE;
          continue;
        }
      if (!(g_ascii_isalnum (c) || c == '_' || c == '-') ||
          (element_start && g_ascii_isdigit (c)))
        goto invalid;
      element_start = FALSE;
    }
  if (element_start)
    goto invalid;
  return TRUE;

invalid:
  shown = quote_prefix (app_id, JSD_MAX_APP_ID_LENGTH);
  g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a valid application id"), shown);
  return FALSE;
}

gboolean
jsd_args_parse_policy (const char          *text,
                       JustSyncReadPolicy  *out_policy,
                       GError             **error)
{
  static const struct {
    const char *name;
    JustSyncReadPolicy policy;
  } policies[] = {
    { "offline-only", JUST_SYNC_READ_OFFLINE_ONLY },
    { "local-first", JUST_SYNC_READ_LOCAL_FIRST },
    { "remote-first", JUST_SYNC_READ_REMOTE_FIRST },
    { "online-only", JUST_SYNC_READ_ONLINE_ONLY },
  };

  g_autofree char *shown = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (policies); i++)
    if (strcmp (text, policies[i].name) == 0)
      {
        *out_policy = policies[i].policy;
        return TRUE;
      }

  shown = quote_prefix (text, 64);
  g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a read policy: use offline-only, local-first, "
                 "remote-first or online-only"), shown);
  return FALSE;
}

/* Looks @key up in the a{sv} @options: %TRUE with *@out_value %NULL when it
 * is absent, %FALSE with an error when it has another type. */
gboolean
jsd_args_lookup_option (GVariant            *options,
                        const char          *key,
                        const GVariantType  *type,
                        GVariant           **out_value,
                        GError             **error)
{
  g_autoptr(GVariant) value = g_variant_lookup_value (options, key, NULL);

  if (value != NULL && !g_variant_is_of_type (value, type))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("The option “%s” must have the type “%s”, not “%s”"),
                   key, g_variant_type_peek_string (type), g_variant_get_type_string (value));
      return FALSE;
    }
  *out_value = g_steal_pointer (&value);
  return TRUE;
}

/* The string stays valid as long as @options: a looked-up child shares
 * its parent's data. */
gboolean
jsd_args_get_string_option (GVariant     *options,
                            const char   *key,
                            const char  **out_value,
                            GError      **error)
{
  g_autoptr(GVariant) value = NULL;

  if (!jsd_args_lookup_option (options, key, G_VARIANT_TYPE_STRING, &value, error))
    return FALSE;
  if (value == NULL)
    return TRUE;
  if (!check_length (key, g_variant_get_string (value, NULL), JSD_MAX_OPTION_LENGTH, error))
    return FALSE;
  *out_value = g_variant_get_string (value, NULL);
  return TRUE;
}

gboolean
jsd_args_get_boolean_option (GVariant    *options,
                             const char  *key,
                             gboolean    *out_value,
                             GError     **error)
{
  g_autoptr(GVariant) value = NULL;

  if (!jsd_args_lookup_option (options, key, G_VARIANT_TYPE_BOOLEAN, &value, error))
    return FALSE;
  if (value != NULL)
    *out_value = g_variant_get_boolean (value);
  return TRUE;
}

gboolean
jsd_args_get_uint_option (GVariant    *options,
                          const char  *key,
                          guint       *out_value,
                          GError     **error)
{
  g_autoptr(GVariant) value = NULL;

  if (!jsd_args_lookup_option (options, key, G_VARIANT_TYPE_UINT32, &value, error))
    return FALSE;
  if (value != NULL)
    *out_value = g_variant_get_uint32 (value);
  return TRUE;
}
