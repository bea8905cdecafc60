/* justsync-supabase-codec.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-delta-private.h"
#include "justsync-error.h"
#include "justsync-http-client-private.h"
#include "justsync-supabase-codec-private.h"
#include "justsync-timestamp.h"

/*
 * The PostgREST dialect of JustSyncSupabaseStore, as pure functions: the
 * query strings it sends, the rows it writes and how it reads rows, times
 * and error bodies. No I/O, so it is unit-tested without a server.
 *
 * Values inside a PostgREST logic tree (`or=(…)`, `in.(…)`) are always
 * written in double quotes with `\` and `"` escaped, since `,` `.` `:` `(`
 * `)` are reserved there (PostgREST's URL grammar, "Reserved characters").
 * A top-level filter takes everything after its operator as the value, so
 * `key=eq.value` needs no quotes. Percent-encoding is the HTTP layer's.
 */

/* A column name that needs no quoting anywhere PostgREST takes one. */
gboolean
_just_sync_supabase_is_column_name (const char *name)
{
  if (name == NULL || !(g_ascii_isalpha (name[0]) || name[0] == '_'))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_'))
      return FALSE;
  return strlen (name) <= 63;
}

static gboolean
supabase_codec_is_system_column (const char *name,
                                 const char *soft_delete_column)
{
  return strcmp (name, JUST_SYNC_SUPABASE_ID_COLUMN) == 0 ||
         strcmp (name, JUST_SYNC_SUPABASE_UPDATED_AT_COLUMN) == 0 ||
         g_strcmp0 (name, soft_delete_column) == 0;
}

/* Every key of @scope is a column the store filters and writes. */
gboolean
_just_sync_supabase_check_scope (JustSyncScope  *scope,
                                 GError        **error)
{
  g_auto(GStrv) keys = just_sync_scope_dup_keys (scope);

  for (guint i = 0; keys[i] != NULL; i++)
    if (!_just_sync_supabase_is_column_name (keys[i]) ||
        supabase_codec_is_system_column (keys[i], NULL))
      {
        g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                     _("The scope key “%s” is not a column the Supabase store can filter on"),
                     keys[i]);
        return FALSE;
      }
  return TRUE;
}

/* @value in double quotes, `\` and `"` escaped: a literal in a logic tree. */
char *
_just_sync_supabase_quote (const char *value)
{
  GString *quoted = g_string_sized_new (strlen (value) + 2);

  g_string_append_c (quoted, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (quoted, FALSE);
}

/* A time as PostgreSQL's timestamptz holds it: microseconds, UTC, `Z` (no
 * `+`, which a query string would read as a space). */
char *
_just_sync_supabase_format_time (gint64 usec)
{
  return just_sync_timestamp_format (usec, JUST_SYNC_TIMESTAMP_RFC3339);
}

/* `key=eq.value` for every key of @scope, in key order. */
void
_just_sync_supabase_query_add_scope (GString       *query,
                                     JustSyncScope *scope)
{
  g_auto(GStrv) keys = just_sync_scope_dup_keys (scope);

  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autofree char *filter = g_strconcat ("eq.", just_sync_scope_get_key (scope, keys[i]), NULL);

      _just_sync_http_query_add (query, keys[i], filter);
    }
}

/*
 * The query of one page of a delta pull: the scope's rows after @since in
 * (updated_at, id) order, at most @limit. The keyset condition is
 * `or=(updated_at.gt.T,and(updated_at.eq.T,id.gt.I))`; the extra
 * `updated_at=gte.T`, which it implies, lets PostgreSQL seek the
 * (updated_at, id) index instead of scanning it.
 */
char *
_just_sync_supabase_select_query (JustSyncScope     *scope,
                                  JustSyncSyncPoint *since,
                                  guint              limit)
{
  GString *query = g_string_new (NULL);
  g_autofree char *limit_text = g_strdup_printf ("%u", limit);

  _just_sync_supabase_query_add_scope (query, scope);
  if (since != NULL)
    {
      gint64 updated_at = just_sync_sync_point_get_updated_at (since);
      g_autofree char *time = _just_sync_supabase_format_time (updated_at);
      const char *last_id = just_sync_sync_point_get_last_id (since);
      g_autofree char *quoted_time = _just_sync_supabase_quote (time);
      g_autofree char *quoted_id = _just_sync_supabase_quote (last_id != NULL ? last_id : "");
      g_autofree char *gte = g_strconcat ("gte.", time, NULL);
      g_autofree char *keyset = NULL;

      keyset = g_strdup_printf ("(updated_at.gt.%s,and(updated_at.eq.%s,id.gt.%s))",
                                quoted_time, quoted_time, quoted_id);
      _just_sync_http_query_add (query, JUST_SYNC_SUPABASE_UPDATED_AT_COLUMN, gte);
      _just_sync_http_query_add (query, "or", keyset);
    }
  _just_sync_http_query_add (query, "order", "updated_at.asc,id.asc");
  _just_sync_http_query_add (query, "limit", limit_text);
  return g_string_free (query, FALSE);
}

/* `in.("a","b")`: the value of an `id` filter for these ids. */
char *
_just_sync_supabase_id_filter (const char * const *ids,
                               guint               n_ids)
{
  GString *filter = g_string_new ("in.(");

  for (guint i = 0; i < n_ids; i++)
    {
      g_autofree char *quoted = _just_sync_supabase_quote (ids[i]);

      if (i > 0)
        g_string_append_c (filter, ',');
      g_string_append (filter, quoted);
    }
  g_string_append_c (filter, ')');
  return g_string_free (filter, FALSE);
}

/* `(and(id.eq."a",updated_at.eq."T"),…)`: the value of an `or` filter that
 * matches each id only at its version: a conditional write of many rows. */
char *
_just_sync_supabase_versions_filter (const char * const *ids,
                                     const gint64       *versions,
                                     guint               n_ids)
{
  GString *filter = g_string_new ("(");

  for (guint i = 0; i < n_ids; i++)
    {
      g_autofree char *time = _just_sync_supabase_format_time (versions[i]);
      g_autofree char *quoted_id = _just_sync_supabase_quote (ids[i]);
      g_autofree char *quoted_time = _just_sync_supabase_quote (time);

      g_string_append_printf (filter, "%sand(id.eq.%s,updated_at.eq.%s)",
                              i > 0 ? "," : "", quoted_id, quoted_time);
    }
  g_string_append_c (filter, ')');
  return g_string_free (filter, FALSE);
}

/*
 * The `updated_at` of the server version an op was made on, from its base
 * version (just_sync_record_dup_version(): `UPDATED:HASH`), or 0 when the
 * op has none: a record the client believes new.
 */
gint64
_just_sync_supabase_base_updated_at (JustSyncPendingOp *op)
{
  const char *base = just_sync_pending_op_get_base_version (op);
  gint64 usec;
  char *end;

  if (base == NULL || !g_ascii_isdigit (base[0]))
    return 0;
  usec = g_ascii_strtoll (base, &end, 10);
  if (*end != ':' && *end != '\0')
    return 0;
  return just_sync_timestamp_is_valid (usec) ? usec : 0;
}

static gboolean
supabase_codec_read_time (JsonObject  *row,
                          const char  *column,
                          const char  *id,
                          gboolean     nullable,
                          gint64      *out_usec,
                          GError     **error)
{
  JsonNode *node = json_object_get_member (row, column);
  g_autoptr(GError) local_error = NULL;

  *out_usec = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (nullable)
        return TRUE;
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                   _("The server sent the row “%s” without “%s”, which syncing needs"),
                   id, column);
      return FALSE;
    }
  /* A number or an object is no time: a server that breaks the protocol. */
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_PROTOCOL,
                   _("The server sent the row “%s” with a “%s” that is not text (%s)"),
                   id, column, json_node_type_name (node));
      return FALSE;
    }
  if (!just_sync_timestamp_parse (json_node_get_string (node), out_usec, &local_error))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                   _("The server sent the row “%s” with a bad “%s”: %s"), id, column,
                   local_error != NULL ? local_error->message : _("not a time"));
      return FALSE;
    }
  return TRUE;
}

/*
 * A row as a #JustSyncRecord: `updated_at` is its version, a set
 * @soft_delete_column makes it a tombstone, and the payload is the other
 * columns without the scope keys, in the server's order. The payload
 * shares the parsed nodes. @out_refused (optional) is as for
 * _just_sync_delta_record_new().
 */
JustSyncRecord *
_just_sync_supabase_record_from_row (JsonNode           *row,
                                     JustSyncScope      *scope,
                                     const char         *soft_delete_column,
                                     JustSyncSyncPoint **out_refused,
                                     GError            **error)
{
  g_autoptr(JsonObject) payload = NULL;
  JsonObject *object;
  JsonNode *id_node;
  g_autofree char *id = NULL;
  gint64 updated_at, deleted_at = 0;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  if (row == NULL || !JSON_NODE_HOLDS_OBJECT (row) ||
      (id_node = json_object_get_member (json_node_get_object (row),
                                         JUST_SYNC_SUPABASE_ID_COLUMN)) == NULL ||
      JSON_NODE_HOLDS_NULL (id_node))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                   _("The server sent a row without an id"));
      return NULL;
    }
  object = json_node_get_object (row);
  /* A uuid or text id comes as a string; an integer id is read as text.
   * Any other type (a fraction, a bool) is no key of a row. */
  if (json_node_get_value_type (id_node) == G_TYPE_STRING)
    id = g_strdup (json_node_get_string (id_node));
  else if (json_node_get_value_type (id_node) == G_TYPE_INT64)
    id = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (id_node));
  else
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_PROTOCOL,
                   _("The server sent a row whose “%s” is neither text nor an integer (%s)"),
                   JUST_SYNC_SUPABASE_ID_COLUMN, json_node_type_name (id_node));
      return NULL;
    }

  if (!supabase_codec_read_time (object, JUST_SYNC_SUPABASE_UPDATED_AT_COLUMN, id, FALSE,
                                 &updated_at, error))
    return NULL;
  if (soft_delete_column != NULL &&
      !supabase_codec_read_time (object, soft_delete_column, id, TRUE, &deleted_at, error))
    return NULL;

  payload = json_object_new ();
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      if (supabase_codec_is_system_column (name, soft_delete_column) ||
          just_sync_scope_get_key (scope, name) != NULL)
        continue;
      json_object_set_member (payload, name, json_node_ref (value));
    }
  json_object_seal (payload);

  return _just_sync_delta_record_new (id, payload, updated_at, deleted_at, out_refused, error);
}

/*
 * The row an upsert of @record writes: its payload, its id, the scope's
 * keys, and with soft deletes a NULL deletion time (an upsert makes the row
 * live again). A payload member that names a scope key must hold the
 * scope's value; members that name the store's own columns are left out.
 */
JsonObject *
_just_sync_supabase_row_from_record (JustSyncRecord  *record,
                                     JustSyncScope   *scope,
                                     const char      *soft_delete_column,
                                     GError         **error)
{
  g_autoptr(JsonObject) row = json_object_new ();
  g_auto(GStrv) keys = just_sync_scope_dup_keys (scope);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  json_object_set_string_member (row, JUST_SYNC_SUPABASE_ID_COLUMN,
                                 just_sync_record_get_id (record));
  json_object_iter_init_ordered (&iter, just_sync_record_get_payload (record));
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      const char *key_value = just_sync_scope_get_key (scope, name);

      if (key_value != NULL &&
          (json_node_get_value_type (value) != G_TYPE_STRING ||
           strcmp (json_node_get_string (value), key_value) != 0))
        {
          g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_REJECTED,
                       _("The field “%s” is a key of the scope and must be “%s”"),
                       name, key_value);
          return NULL;
        }
      if (supabase_codec_is_system_column (name, soft_delete_column) || key_value != NULL)
        continue;
      json_object_set_member (row, name, json_node_copy (value));
    }

  for (guint i = 0; keys[i] != NULL; i++)
    json_object_set_string_member (row, keys[i], just_sync_scope_get_key (scope, keys[i]));
  if (soft_delete_column != NULL)
    json_object_set_null_member (row, soft_delete_column);
  return g_steal_pointer (&row);
}

static int
supabase_codec_compare_strings (gconstpointer a,
                                gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The sorted column names of @row, comma-separated: rows with equal ones
 * can share a bulk insert, which PostgREST wants with uniform keys. */
char *
_just_sync_supabase_dup_columns (JsonObject *row)
{
  g_autoptr(GList) members = json_object_get_members (row);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (GList *l = members; l != NULL; l = l->next)
    g_ptr_array_add (names, l->data);
  g_ptr_array_sort (names, supabase_codec_compare_strings);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (",", (char **) names->pdata);
}

/* A PostgREST error body `{"code","message","details","hint"}` as text. */
char *
_just_sync_supabase_dup_error_message (JsonNode *body,
                                       guint     status)
{
  const char *message = _just_sync_http_body_get_message (body);
  GString *text = g_string_new (message != NULL ? message
                                                : _just_sync_http_status_get_phrase (status));
  static const char * const extras[] = { "details", "hint", "code" };
  JsonObject *object;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return g_string_free (text, FALSE);

  object = json_node_get_object (body);
  for (guint i = 0; i < G_N_ELEMENTS (extras); i++)
    {
      JsonNode *node = json_object_get_member (object, extras[i]);

      if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING &&
          json_node_get_string (node)[0] != '\0')
        g_string_append_printf (text, " (%s: %s)", extras[i], json_node_get_string (node));
    }
  return g_string_free (text, FALSE);
}

/* The reply of `/rpc/justsync_server_time`: a timestamptz as a JSON string
 * (or, from some servers, a one-element array or object holding it). */
gboolean
_just_sync_supabase_parse_time_reply (JsonNode *body,
                                      gint64   *out_usec)
{
  if (body != NULL && JSON_NODE_HOLDS_ARRAY (body) &&
      json_array_get_length (json_node_get_array (body)) == 1)
    body = json_array_get_element (json_node_get_array (body), 0);
  if (body != NULL && JSON_NODE_HOLDS_OBJECT (body) &&
      json_object_get_size (json_node_get_object (body)) == 1)
    {
      g_autoptr(GList) values = json_object_get_values (json_node_get_object (body));

      body = values->data;
    }
  return body != NULL && json_node_get_value_type (body) == G_TYPE_STRING &&
         just_sync_timestamp_parse (json_node_get_string (body), out_usec, NULL) &&
         just_sync_timestamp_is_valid (*out_usec);
}
