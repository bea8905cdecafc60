/* justsync-json-writer.c: JSON text that always reads back
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * json-glib 1.6 writes some doubles as text no parser reads (1e17 as
 * `1e+17.0`, infinity as `inf.0`) and copies strings byte for byte, so a
 * payload it writes may never parse again. Payloads are written here
 * instead: numbers in the shortest form that reads back to the same
 * double, always with a fraction or exponent so that they stay doubles,
 * and strings escaped as RFC 8259 asks. What is written is only what
 * _just_sync_json_check_value() accepts, which is what
 * _just_sync_json_parse() accepts, so the two are each other's inverse.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-error.h"
#include "justsync-json-private.h"

/*
 * _just_sync_json_append_double:
 *
 * Appends @value, which must be finite, in the fewest significant digits
 * that read back to exactly @value, with a `.0` where the text would
 * otherwise read as an integer (`1.0`, `1.0e+17`).
 */
void
_just_sync_json_append_double (GString *out,
                               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  const char *exponent;

  g_return_if_fail (isfinite (value));

  /* 17 significant digits always read back to the same double. */
  for (int precision = 1; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }

  if (strchr (buf, '.') != NULL)
    {
      g_string_append (out, buf);
      return;
    }
  exponent = strchr (buf, 'e');
  if (exponent == NULL)
    exponent = buf + strlen (buf);
  g_string_append_len (out, buf, exponent - buf);
  g_string_append (out, ".0");
  g_string_append (out, exponent);
}

/*
 * _just_sync_json_append_string:
 *
 * Appends @text, valid UTF-8, as a JSON string: quotes, backslashes,
 * control characters and DEL escaped, everything else as it is.
 */
void
_just_sync_json_append_string (GString    *out,
                               const char *text)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    switch (*p)
      {
      case '"':
        g_string_append (out, "\\\"");
        break;
      case '\\':
        g_string_append (out, "\\\\");
        break;
      case '\n':
        g_string_append (out, "\\n");
        break;
      case '\r':
        g_string_append (out, "\\r");
        break;
      case '\t':
        g_string_append (out, "\\t");
        break;
      case '\b':
        g_string_append (out, "\\b");
        break;
      case '\f':
        g_string_append (out, "\\f");
        break;
      default:
        /* DEL is escaped as json-glib does, so content hashes stay the
         * same; json-glib 1.6 writes U+001F raw, which RFC 8259 forbids. */
        if (*p < 0x20 || *p == 0x7f)
          g_string_append_printf (out, "\\u%04x", *p);
        else
          g_string_append_c (out, (char) *p);
        break;
      }
  g_string_append_c (out, '"');
}

static void
append_object (GString    *out,
               JsonObject *object,
               gboolean    sort_members)
{
  g_autoptr(GList) members = json_object_get_members (object);

  if (sort_members)
    members = g_list_sort (members, (GCompareFunc) strcmp);
  g_string_append_c (out, '{');
  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (l != members)
        g_string_append_c (out, ',');
      _just_sync_json_append_string (out, l->data);
      g_string_append_c (out, ':');
      _just_sync_json_append_value (out, json_object_get_member (object, l->data), sort_members);
    }
  g_string_append_c (out, '}');
}

/*
 * _just_sync_json_append_value:
 * @node: a value that _just_sync_json_check_value() accepts
 * @sort_members: as for _just_sync_json_to_string()
 *
 * Appends @node as _just_sync_json_to_string() writes it. Recursive, but
 * only over values _just_sync_json_check_value() accepted, whose depth is
 * bounded.
 */
void
_just_sync_json_append_value (GString  *out,
                              JsonNode *node,
                              gboolean  sort_members)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      append_object (out, json_node_get_object (node), sort_members);
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        g_string_append_c (out, '[');
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            _just_sync_json_append_value (out, json_array_get_element (array, i), sort_members);
          }
        g_string_append_c (out, ']');
      }
      break;
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          _just_sync_json_append_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          _just_sync_json_append_string (out, json_node_get_string (node));
          break;
        default:
          g_assert_not_reached ();
        }
      break;
    default:
      g_assert_not_reached ();
    }
}

/*
 * _just_sync_json_to_string:
 * @node: a value that _just_sync_json_check_value() accepts
 * @sort_members: whether to write the members of every object sorted, so
 *   that two documents with the same content give the same bytes
 *
 * Returns: (transfer full): compact JSON text that _just_sync_json_parse()
 *   reads back to a value equal to @node
 */
char *
_just_sync_json_to_string (JsonNode *node,
                           gboolean  sort_members)
{
  GString *out = g_string_new (NULL);

  _just_sync_json_append_value (out, node, sort_members);
  return g_string_free (out, FALSE);
}

static gboolean
check_string (const char  *text,
              const char  *what,
              GError     **error)
{
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("A %s in the JSON value is not valid UTF-8"), what);
      return FALSE;
    }
  return TRUE;
}

/* @parsed: the value came from _just_sync_json_parse(), so its strings
 * and numbers are known good and only its depth is checked. */
static gboolean
check_node (JsonNode  *node,
            guint      depth,
            guint      max_depth,
            gboolean   parsed,
            GError   **error)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
    case JSON_NODE_ARRAY:
      if (depth >= max_depth)
        {
          g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                       _("The JSON value nests arrays and objects more than %u levels deep"),
                       max_depth);
          return FALSE;
        }
      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (array); i++)
            if (!check_node (json_array_get_element (array, i), depth + 1, max_depth, parsed, error))
              return FALSE;
        }
      else
        {
          JsonObjectIter iter;
          const char *name;
          JsonNode *member;

          json_object_iter_init (&iter, json_node_get_object (node));
          while (json_object_iter_next (&iter, &name, &member))
            if ((!parsed && !check_string (name, _("member name"), error)) ||
                !check_node (member, depth + 1, max_depth, parsed, error))
              return FALSE;
        }
      return TRUE;
    case JSON_NODE_NULL:
      return TRUE;
    case JSON_NODE_VALUE:
      if (parsed)
        return TRUE;
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        return check_string (json_node_get_string (node), _("string"), error);
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE &&
          !isfinite (json_node_get_double (node)))
        {
          g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                               _("A number in the JSON value is not finite"));
          return FALSE;
        }
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

/*
 * _just_sync_json_check_value:
 *
 * Checks a value built through the json-glib API, not parsed: what
 * _just_sync_json_parse() would refuse (deeper than @max_depth, strings
 * or member names that are not UTF-8, infinities and NaN) could not be
 * written so that it reads back. Recursion stops at @max_depth.
 */
gboolean
_just_sync_json_check_value (JsonNode  *node,
                             guint      max_depth,
                             GError   **error)
{
  return check_node (node, 0, max_depth, FALSE, error);
}

/*
 * _just_sync_json_check_parsed_value:
 *
 * _just_sync_json_check_value() for a value _just_sync_json_parse()
 * returned (or a part of one), perhaps with a deeper limit: its strings
 * and numbers passed the same rules there, so only its depth is checked.
 */
gboolean
_just_sync_json_check_parsed_value (JsonNode  *node,
                                    guint      max_depth,
                                    GError   **error)
{
  return check_node (node, 0, max_depth, TRUE, error);
}
