/* justsync-json-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The deepest nesting of arrays and objects a payload may have. */
#define JUST_SYNC_JSON_MAX_DEPTH 64
/* The deepest nesting of a server reply or event: a payload at the limit
 * inside a page or an event envelope. */
#define JUST_SYNC_JSON_MAX_ENVELOPE_DEPTH (JUST_SYNC_JSON_MAX_DEPTH + 8)
/* The longest JSON text read, in bytes: the HTTP layer's body limit. */
#define JUST_SYNC_JSON_MAX_LENGTH (512 * 1024 * 1024)

/* justsync-json-reader.c: the one strict boundary for untrusted JSON. */
gboolean    _just_sync_json_validate          (const char   *data,
                                               gsize         length,
                                               guint         max_depth,
                                               GError      **error);
JsonNode   *_just_sync_json_parse             (const char   *data,
                                               gssize        length,
                                               guint         max_depth,
                                               GError      **error);
JsonNode   *_just_sync_json_parse_unsealed    (const char   *data,
                                               gsize         length,
                                               guint         max_depth,
                                               GError      **error);

/* justsync-json-writer.c: text that _just_sync_json_parse() reads back. */
gboolean    _just_sync_json_check_value       (JsonNode     *node,
                                               guint         max_depth,
                                               GError      **error);
gboolean    _just_sync_json_check_parsed_value (JsonNode    *node,
                                                guint        max_depth,
                                                GError     **error);
char       *_just_sync_json_to_string         (JsonNode     *node,
                                               gboolean      sort_members);
void        _just_sync_json_append_double     (GString      *out,
                                               double        value);
void        _just_sync_json_append_string     (GString      *out,
                                               const char   *text);
void        _just_sync_json_append_value      (GString      *out,
                                               JsonNode     *node,
                                               gboolean      sort_members);

char       *_just_sync_json_canonical         (JsonNode     *node);
JsonObject *_just_sync_json_object_copy       (JsonObject   *object);
gboolean    _just_sync_json_object_covers     (JsonObject   *object,
                                               JsonObject   *subset);
JsonObject *_just_sync_json_parse_object      (const char   *json,
                                               gssize        length,
                                               GError      **error);
JsonObject *_just_sync_json_get_object        (JsonNode     *node,
                                               const char   *what,
                                               GError      **error);
JsonNode   *_just_sync_json_get_member        (JsonObject   *object,
                                               const char   *member,
                                               GError      **error);
gboolean    _just_sync_json_get_string        (JsonObject   *object,
                                               const char   *member,
                                               gboolean      nullable,
                                               const char  **out_value,
                                               GError      **error);
gboolean    _just_sync_json_get_int           (JsonObject   *object,
                                               const char   *member,
                                               gint64       *out_value,
                                               GError      **error);
gboolean    _just_sync_json_get_boolean       (JsonObject   *object,
                                               const char   *member,
                                               gboolean      default_value,
                                               gboolean     *out_value,
                                               GError      **error);
gboolean    _just_sync_json_get_timestamp     (JsonObject   *object,
                                               const char   *member,
                                               gint64       *out_value,
                                               GError      **error);
gboolean    _just_sync_json_get_enum          (JsonObject   *object,
                                               const char   *member,
                                               GType         enum_type,
                                               int          *out_value,
                                               GError      **error);
const char *_just_sync_enum_to_nick           (GType         enum_type,
                                               int           value);
void        _just_sync_json_set_timestamp     (JsonBuilder  *builder,
                                               const char   *member,
                                               gint64        usec);

G_END_DECLS
