/* justsync-pocketbase-codec.c: PocketBase's JSON, filters and error bodies
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pure functions: they read only their arguments, so the unit tests check
 * them with no server.
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-delta-private.h"
#include "justsync-error.h"
#include "justsync-json-private.h"
#include "justsync-pocketbase-private.h"
#include "justsync-record-private.h"
#include "justsync-remote-store-private.h"
#include "justsync-timestamp.h"

static const char * const system_fields[] = {
  "id", "collectionId", "collectionName", "created", "updated", "expand",
};

static gboolean
pb_codec_is_system_field (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (system_fields); i++)
    if (strcmp (name, system_fields[i]) == 0)
      return TRUE;
  return FALSE;
}

/* PocketBase field names: letters, digits and underscores. */
gboolean
_just_sync_pb_is_field_name (const char *name)
{
  if (!g_ascii_isalpha (name[0]) && name[0] != '_')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

/* Every scope key must be a field name: any other text could change a filter's meaning. */
gboolean
_just_sync_pb_check_scope (JustSyncScope  *scope,
                           GError        **error)
{
  g_auto(GStrv) keys = just_sync_scope_dup_keys (scope);

  for (guint i = 0; keys[i] != NULL; i++)
    if (!_just_sync_pb_is_field_name (keys[i]))
      {
        g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                     _("The scope key “%s” is not a PocketBase field name"), keys[i]);
        return FALSE;
      }
  return TRUE;
}

/*
 * _just_sync_pb_format_time:
 *
 * PocketBase's datetime layout, `2006-01-02 15:04:05.000Z`: a space, and
 * milliseconds (finer time is truncated, as PocketBase does).
 */
char *
_just_sync_pb_format_time (gint64 usec)
{
  /* 2006-01-02T15:04:05.123456Z: the year always has four digits. */
  g_autofree char *rfc3339 = just_sync_timestamp_format (usec, JUST_SYNC_TIMESTAMP_RFC3339);

  g_return_val_if_fail (rfc3339 != NULL, NULL);

  rfc3339[10] = ' ';
  return g_strdup_printf ("%.23sZ", rfc3339);
}

/* A PocketBase filter string literal: double quotes, `\` escapes. */
void
_just_sync_pb_append_quoted (GString    *filter,
                             const char *value)
{
  g_string_append_c (filter, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (filter, '\\');
      g_string_append_c (filter, *p);
    }
  g_string_append_c (filter, '"');
}

/* `key1 = "v1" && key2 = "v2"` for every key of @scope. */
static void
pb_codec_append_scope_filter (GString       *filter,
                              JustSyncScope *scope)
{
  g_auto(GStrv) keys = just_sync_scope_dup_keys (scope);

  for (guint i = 0; keys[i] != NULL; i++)
    {
      if (filter->len > 0)
        g_string_append (filter, " && ");
      g_string_append_printf (filter, "%s = ", keys[i]);
      _just_sync_pb_append_quoted (filter, just_sync_scope_get_key (scope, keys[i]));
    }
}

/*
 * _just_sync_pb_pull_filter:
 * @since: (nullable): where the last page ended
 *
 * The filter of a pull: the scope's keys, then the keyset past @since as
 * `updated >= T && (updated > T || id > I)`. Its leading range lets SQLite
 * seek the `(…keys, updated, id)` index; the equivalent
 * `(updated > T || (updated = T && id > I))` makes it scan the whole index
 * on every page.
 *
 * Returns: (transfer full): the filter, empty when nothing restricts the pull
 */
char *
_just_sync_pb_pull_filter (JustSyncScope     *scope,
                           JustSyncSyncPoint *since)
{
  GString *filter = g_string_new (NULL);
  g_autofree char *time = NULL;
  const char *last_id;

  pb_codec_append_scope_filter (filter, scope);
  if (since == NULL)
    return g_string_free (filter, FALSE);

  /* PocketBase stores datetimes as fixed-width text: comparing the
   * millisecond form is exact, and truncating a finer cursor only re-reads
   * rows of its millisecond. */
  time = _just_sync_pb_format_time (just_sync_sync_point_get_updated_at (since));
  last_id = just_sync_sync_point_get_last_id (since);
  if (filter->len > 0)
    g_string_append (filter, " && ");
  g_string_append (filter, "updated >= ");
  _just_sync_pb_append_quoted (filter, time);
  g_string_append (filter, " && (updated > ");
  _just_sync_pb_append_quoted (filter, time);
  g_string_append (filter, " || id > ");
  _just_sync_pb_append_quoted (filter, last_id != NULL ? last_id : "");
  g_string_append_c (filter, ')');
  return g_string_free (filter, FALSE);
}

/* The query string of a pull page, in keyset order. */
char *
_just_sync_pb_pull_query (JustSyncScope     *scope,
                          JustSyncSyncPoint *since,
                          guint              per_page)
{
  g_autofree char *filter = _just_sync_pb_pull_filter (scope, since);
  g_autofree char *per_page_text = g_strdup_printf ("%u", per_page);
  GString *query = g_string_new (NULL);

  if (filter[0] != '\0')
    _just_sync_http_query_add (query, "filter", filter);
  _just_sync_http_query_add (query, "sort", "updated,id");
  _just_sync_http_query_add (query, "skipTotal", "1");
  _just_sync_http_query_add (query, "perPage", per_page_text);
  return g_string_free (query, FALSE);
}

/* The query that looks @ids up, with their scope key fields. */
char *
_just_sync_pb_ids_query (JustSyncScope      *scope,
                         const char * const *ids,
                         guint               n_ids)
{
  g_autoptr(GString) filter = g_string_new (NULL);
  g_autoptr(GString) fields = g_string_new ("id");
  g_auto(GStrv) keys = just_sync_scope_dup_keys (scope);
  g_autofree char *per_page = g_strdup_printf ("%u", n_ids);
  GString *query = g_string_new (NULL);

  for (guint i = 0; i < n_ids; i++)
    {
      if (filter->len > 0)
        g_string_append (filter, " || ");
      g_string_append (filter, "id = ");
      _just_sync_pb_append_quoted (filter, ids[i]);
    }
  for (guint i = 0; keys[i] != NULL; i++)
    g_string_append_printf (fields, ",%s", keys[i]);

  _just_sync_http_query_add (query, "filter", filter->str);
  _just_sync_http_query_add (query, "fields", fields->str);
  _just_sync_http_query_add (query, "skipTotal", "1");
  _just_sync_http_query_add (query, "perPage", per_page);
  return g_string_free (query, FALSE);
}

char *
_just_sync_pb_records_path (const char *collection,
                            const char *id)
{
  g_autofree char *escaped = g_uri_escape_string (collection, NULL, FALSE);
  g_autofree char *escaped_id = NULL;

  if (id == NULL)
    return g_strdup_printf ("/api/collections/%s/records", escaped);
  escaped_id = g_uri_escape_string (id, NULL, FALSE);
  return g_strdup_printf ("/api/collections/%s/records/%s", escaped, escaped_id);
}

/* --- reading JSON -------------------------------------------------------- */

JsonObject *
_just_sync_pb_body_get_object (JsonNode *body)
{
  return body != NULL && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;
}

JsonObject *
_just_sync_pb_object_get_object (JsonObject *object,
                                 const char *member)
{
  return object != NULL ? _just_sync_pb_body_get_object (json_object_get_member (object, member)) : NULL;
}

const char *
_just_sync_pb_object_get_string (JsonObject *object,
                                 const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
_just_sync_pb_object_get_int (JsonObject *object,
                              const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  double value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) != G_TYPE_DOUBLE)
    return 0;
  /* A cast of a double out of gint64's range is undefined: such a number
   * means nothing here. */
  value = json_node_get_double (node);
  if (!(value > -9.2e18 && value < 9.2e18))
    return 0;
  return (gint64) value;
}

/*
 * _just_sync_pb_parse_reply:
 * @data: a reply body, a realtime event's data or a token's claims
 *
 * Parses what PocketBase sent by the strict rules of
 * _just_sync_json_parse(), as deep as a payload inside its envelope.
 *
 * Returns: (transfer full) (nullable): the document, or %NULL
 */
JsonNode *
_just_sync_pb_parse_reply (const char  *data,
                           gssize       length,
                           GError     **error)
{
  return _just_sync_json_parse (data, length, JUST_SYNC_JSON_MAX_ENVELOPE_DEPTH, error);
}

/*
 * _just_sync_pb_token_get_claims:
 * @out_collection_id: (out) (optional): the `collectionId` claim
 * @out_user_id: (out) (optional): the `id` claim: the record it is for
 *
 * Reads a PocketBase token (a JWT) without checking its signature: the
 * server does that. An `exp` that is not a time JustSync supports (before
 * 1970, past 9999, not a number) counts as none.
 *
 * Returns: the `exp` claim in microseconds, or 0 when there is none
 */
gint64
_just_sync_pb_token_get_claims (const char  *token,
                                char       **out_collection_id,
                                char       **out_user_id)
{
  g_autoptr(JsonObject) claims = _just_sync_jwt_dup_claims (token);

  if (out_collection_id != NULL)
    *out_collection_id = g_strdup (_just_sync_pb_object_get_string (claims, "collectionId"));
  if (out_user_id != NULL)
    *out_user_id = g_strdup (_just_sync_pb_object_get_string (claims, "id"));
  return _just_sync_jwt_claims_get_time (claims, "exp");
}

/* A PocketBase error body `{"message", "data": {"field": {"message"}}}` as text. */
char *
_just_sync_pb_dup_error_message (JsonNode *body,
                                 guint     status)
{
  const char *message = _just_sync_http_body_get_message (body);
  GString *text = g_string_new (message != NULL ? message : _just_sync_http_status_get_phrase (status));
  JsonObject *data = _just_sync_pb_object_get_object (_just_sync_pb_body_get_object (body), "data");
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  gboolean first = TRUE;

  if (data == NULL)
    return g_string_free (text, FALSE);

  json_object_iter_init (&iter, data);
  while (json_object_iter_next (&iter, &name, &value))
    {
      const char *detail = _just_sync_http_body_get_message (value);

      if (detail == NULL || strcmp (name, "requests") == 0)
        continue;
      g_string_append_printf (text, first ? " (%s: %s" : "; %s: %s", name, detail);
      first = FALSE;
    }
  if (!first)
    g_string_append_c (text, ')');
  return g_string_free (text, FALSE);
}

void
_just_sync_pb_set_response_error (GError               **error,
                                  JustSyncHttpResponse  *response)
{
  g_autofree char *message = _just_sync_pb_dup_error_message (response->body, response->status);

  _just_sync_http_set_status_error (error, response->status, message);
}

/* The records of a list reply, or NULL with the error the reply means. */
JsonArray *
_just_sync_pb_list_get_items (JustSyncHttpResponse  *response,
                              const char            *collection,
                              GError               **error)
{
  JsonObject *body = _just_sync_pb_body_get_object (response->body);
  JsonNode *items = body != NULL ? json_object_get_member (body, "items") : NULL;

  if (!_just_sync_http_response_is_success (response))
    {
      _just_sync_pb_set_response_error (error, response);
      return NULL;
    }
  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                   _("PocketBase sent a list of “%s” without items"), collection);
      return NULL;
    }
  return json_node_get_array (items);
}

/* Whether the field @key of a server record holds the scope's value. */
JustSyncPbFieldMatch
_just_sync_pb_scope_field_matches (JsonObject    *record,
                                   JustSyncScope *scope,
                                   const char    *key)
{
  JsonNode *node = json_object_get_member (record, key);
  const char *expected = just_sync_scope_get_key (scope, key);
  g_autofree char *text = NULL;

  if (node == NULL)
    return JUST_SYNC_PB_FIELD_UNKNOWN;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return strcmp (json_node_get_string (node), expected) == 0 ? JUST_SYNC_PB_FIELD_MATCHES
                                                               : JUST_SYNC_PB_FIELD_DIFFERS;
  /* A number or bool field: compare its JSON text. */
  text = json_to_string (node, FALSE);
  return strcmp (text, expected) == 0 ? JUST_SYNC_PB_FIELD_MATCHES : JUST_SYNC_PB_FIELD_DIFFERS;
}

/* Every key field of @item holds the scope's value. */
gboolean
_just_sync_pb_item_in_scope (JsonObject    *item,
                             JustSyncScope *scope)
{
  g_auto(GStrv) keys = just_sync_scope_dup_keys (scope);

  for (guint i = 0; keys[i] != NULL; i++)
    if (_just_sync_pb_scope_field_matches (item, scope, keys[i]) != JUST_SYNC_PB_FIELD_MATCHES)
      return FALSE;
  return TRUE;
}

/* Events are hints: only a key field that plainly differs rules a record out. */
gboolean
_just_sync_pb_item_may_be_in_scope (JsonObject    *item,
                                    JustSyncScope *scope)
{
  g_auto(GStrv) keys = just_sync_scope_dup_keys (scope);

  for (guint i = 0; keys[i] != NULL; i++)
    if (_just_sync_pb_scope_field_matches (item, scope, keys[i]) == JUST_SYNC_PB_FIELD_DIFFERS)
      return FALSE;
  return TRUE;
}

/*
 * A system field PocketBase always sends as text (`id`, `updated`, a date
 * field), or null for a date it never set: any other type is a server
 * that breaks the protocol. Reading a number as "no value" would turn a
 * numeric deletion time into a live row.
 */
static gboolean
pb_codec_check_text_field (JsonObject  *item,
                           const char  *field,
                           const char  *id,
                           const char  *collection,
                           GError     **error)
{
  JsonNode *node = json_object_get_member (item, field);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node) ||
      (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING))
    return TRUE;
  if (id != NULL)
    g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_PROTOCOL,
                 _("PocketBase sent the record “%s” of “%s” with a field “%s” that is not text (%s)"),
                 id, collection, field, json_node_type_name (node));
  else
    g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_PROTOCOL,
                 _("PocketBase sent a record of “%s” whose field “%s” is not text (%s)"),
                 collection, field, json_node_type_name (node));
  return FALSE;
}

/*
 * _just_sync_pb_record_from_json:
 * @out_has_soft_field: (out): whether the record has @target's
 *   soft-delete field, so the collection has it
 * @out_refused: (out) (optional): as for _just_sync_delta_record_new()
 *
 * A PocketBase record as a #JustSyncRecord: `updated` is its updated_at, a
 * set soft-delete field makes it a tombstone, and the payload is the rest
 * without system fields and scope keys. The payload shares the parsed
 * nodes: nothing is copied. @node must come from _just_sync_json_parse(),
 * whose checks the payload is not put through again.
 */
JustSyncRecord *
_just_sync_pb_record_from_json (const JustSyncPbTarget  *target,
                                JustSyncScope           *scope,
                                JsonNode                *node,
                                gboolean                *out_has_soft_field,
                                JustSyncSyncPoint      **out_refused,
                                GError                 **error)
{
  JsonObject *item = _just_sync_pb_body_get_object (node);
  g_autoptr(JsonObject) payload = NULL;
  const char *id, *updated, *deleted = NULL;
  gint64 updated_at, deleted_at = 0;
  g_autoptr(GError) local_error = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  *out_has_soft_field = FALSE;
  if (item != NULL && !pb_codec_check_text_field (item, "id", NULL, target->collection, error))
    return NULL;
  if (item == NULL || (id = _just_sync_pb_object_get_string (item, "id")) == NULL || id[0] == '\0')
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                   _("PocketBase sent a record without an id in collection “%s”"),
                   target->collection);
      return NULL;
    }

  if (!pb_codec_check_text_field (item, "updated", id, target->collection, error))
    return NULL;
  if ((updated = _just_sync_pb_object_get_string (item, "updated")) == NULL || updated[0] == '\0')
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                   _("The PocketBase collection “%s” has no “updated” autodate field, "
                     "which syncing needs"), target->collection);
      return NULL;
    }
  if (!just_sync_timestamp_parse (updated, &updated_at, &local_error))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                   _("PocketBase sent a record “%s” with a bad “updated” time: %s"),
                   id, local_error->message);
      return NULL;
    }

  if (target->soft_delete_field != NULL)
    {
      if (!pb_codec_check_text_field (item, target->soft_delete_field, id, target->collection, error))
        return NULL;
      *out_has_soft_field = json_object_has_member (item, target->soft_delete_field);
      deleted = _just_sync_pb_object_get_string (item, target->soft_delete_field);
    }
  if (deleted != NULL && deleted[0] != '\0' &&
      !just_sync_timestamp_parse (deleted, &deleted_at, &local_error))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_SERVER,
                   _("PocketBase sent a record “%s” with a bad “%s” time: %s"),
                   id, target->soft_delete_field, local_error->message);
      return NULL;
    }

  /* In the server's member order, so payload texts are stable. */
  payload = json_object_new ();
  json_object_iter_init_ordered (&iter, item);
  while (json_object_iter_next_ordered (&iter, &name, &value))
    {
      if (pb_codec_is_system_field (name) ||
          g_strcmp0 (name, target->soft_delete_field) == 0 ||
          just_sync_scope_get_key (scope, name) != NULL)
        continue;
      json_object_set_member (payload, name, json_node_ref (value));
    }
  json_object_seal (payload);

  return _just_sync_delta_record_new (id, payload, updated_at, deleted_at, out_refused, error);
}

static JsonNode *
pb_codec_node_take_object (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

/*
 * _just_sync_pb_upsert_body:
 * @soft_delete_field: (nullable): the field that marks a deletion, when
 *   the collection has one
 *
 * The body of an upsert: the payload, the id, the scope keys, and a live
 * row. A payload member that is a scope key must hold the scope's value.
 */
JsonNode *
_just_sync_pb_upsert_body (JustSyncScope   *scope,
                           const char      *soft_delete_field,
                           JustSyncRecord  *record,
                           GError         **error)
{
  g_autoptr(JsonObject) body = json_object_new ();
  g_auto(GStrv) keys = just_sync_scope_dup_keys (scope);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

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
      if (pb_codec_is_system_field (name) || g_strcmp0 (name, soft_delete_field) == 0)
        continue;
      json_object_set_member (body, name, json_node_copy (value));
    }

  json_object_set_string_member (body, "id", just_sync_record_get_id (record));
  for (guint i = 0; keys[i] != NULL; i++)
    json_object_set_string_member (body, keys[i], just_sync_scope_get_key (scope, keys[i]));
  /* An upsert makes the row live again, should another client have deleted it. */
  if (soft_delete_field != NULL)
    json_object_set_null_member (body, soft_delete_field);

  return pb_codec_node_take_object (g_steal_pointer (&body));
}

/* `{field: time}`: the body that marks a record deleted at @when. */
JsonNode *
_just_sync_pb_soft_delete_body (const char *soft_delete_field,
                                gint64      when)
{
  g_autofree char *stamp = _just_sync_pb_format_time (when);
  JsonObject *body = json_object_new ();

  json_object_set_string_member (body, soft_delete_field, stamp);
  return pb_codec_node_take_object (body);
}

JsonNode *
_just_sync_pb_login_body (const char *identity,
                          const char *password)
{
  JsonObject *body = json_object_new ();

  json_object_set_string_member (body, "identity", identity);
  json_object_set_string_member (body, "password", password);
  return pb_codec_node_take_object (body);
}

/* @topics: (element-type utf8): topics such as `records/` + `*` */
JsonNode *
_just_sync_pb_subscribe_body (const char *client_id,
                              GPtrArray  *topics)
{
  JsonObject *body = json_object_new ();
  JsonArray *array = json_array_sized_new (topics->len);

  for (guint i = 0; i < topics->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (topics, i));
  json_object_set_string_member (body, "clientId", client_id);
  json_object_set_array_member (body, "subscriptions", array);
  return pb_codec_node_take_object (body);
}

/* The time of a `GET /api/justsync/time` reply, `{"now": "…"}`. */
gboolean
_just_sync_pb_time_from_json (JsonNode *body,
                              gint64   *out_usec)
{
  const char *now = _just_sync_pb_object_get_string (_just_sync_pb_body_get_object (body), "now");

  return now != NULL && just_sync_timestamp_parse (now, out_usec, NULL);
}

/* The collection of a realtime event named `collection/id` (or a `*` for the id). */
char *
_just_sync_pb_event_collection (const char *event_name)
{
  const char *slash = strchr (event_name, '/');

  return slash != NULL ? g_strndup (event_name, (gsize) (slash - event_name)) : g_strdup (event_name);
}

/*
 * _just_sync_pb_event_read:
 * @type: the event's name: `PB_CONNECT`, or `collection/id`
 * @data: its data, JSON by the strict rules
 * @out_client_id: (out) (transfer full): the client id of a `PB_CONNECT`,
 *   or %NULL
 * @out_collection: (out) (transfer full): the collection of a record
 *   event, or %NULL
 * @out_record: (out) (transfer full): the record a record event carries,
 *   or %NULL when its data is missing or unreadable
 *
 * Reads a realtime event. Events are hints: data that does not parse
 * leaves the record unknown, and any watched scope of the collection is
 * reported changed.
 *
 * Returns: %TRUE for a `PB_CONNECT` with a client id or a record event,
 *   %FALSE for anything else
 */
gboolean
_just_sync_pb_event_read (const char  *type,
                          const char  *data,
                          char       **out_client_id,
                          char       **out_collection,
                          JsonObject **out_record)
{
  g_autoptr(JsonNode) root = _just_sync_pb_parse_reply (data, -1, NULL);
  JsonObject *body = _just_sync_pb_body_get_object (root);
  JsonObject *record;
  const char *client_id;

  *out_client_id = NULL;
  *out_collection = NULL;
  *out_record = NULL;
  if (strcmp (type, "PB_CONNECT") == 0)
    {
      client_id = _just_sync_pb_object_get_string (body, "clientId");
      if (client_id == NULL || client_id[0] == '\0')
        return FALSE;
      *out_client_id = g_strdup (client_id);
      return TRUE;
    }

  *out_collection = _just_sync_pb_event_collection (type);
  if ((record = _just_sync_pb_object_get_object (body, "record")) != NULL)
    *out_record = json_object_ref (record);
  return TRUE;
}
