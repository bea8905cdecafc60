/* justsync-scope.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-error.h"
#include "justsync-json-private.h"
#include "justsync-scope.h"

/**
 * JustSyncScope:
 *
 * What a read or write is about: a @name (a collection or table, such as
 * `"records"`) and string keys (such as `userId=u1`) that narrow it to one
 * user's, team's or device's rows. Nothing ever crosses scopes: stores keep
 * and filter rows by the whole scope, keys included.
 *
 * A scope is immutable. Its canonical string form, `name?key=value&…` with
 * the keys sorted and every reserved character percent-escaped, is its
 * storage key; [func@JustSync.Scope.parse] reads it back to an equal scope.
 */

struct _JustSyncScope
{
  gatomicrefcount ref_count;
  char *name;
  /* Sorted by key; NULL-terminated. */
  char **keys;
  char **values;
  char *canonical;
};

G_DEFINE_BOXED_TYPE (JustSyncScope, just_sync_scope, just_sync_scope_ref, just_sync_scope_unref)

static gboolean
check_name (const char  *name,
            GError     **error)
{
  if (name[0] == '\0')
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("A scope needs a name"));
      return FALSE;
    }
  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("A scope name must be valid UTF-8"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_key (const char  *key,
           const char  *value,
           GError     **error)
{
  if (key[0] == '\0')
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("A scope key must not be empty"));
      return FALSE;
    }
  if (!g_utf8_validate (key, -1, NULL) || !g_utf8_validate (value, -1, NULL))
    {
      g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("Scope keys and values must be valid UTF-8"));
      return FALSE;
    }
  return TRUE;
}

static char *
build_canonical (const char         *name,
                 const char * const *keys,
                 const char * const *values)
{
  GString *str = g_string_new (NULL);

  g_string_append_uri_escaped (str, name, NULL, TRUE);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_string_append_c (str, i == 0 ? '?' : '&');
      g_string_append_uri_escaped (str, keys[i], NULL, TRUE);
      g_string_append_c (str, '=');
      g_string_append_uri_escaped (str, values[i], NULL, TRUE);
    }
  return g_string_free (str, FALSE);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  GPtrArray *pairs = user_data;

  return strcmp (g_ptr_array_index (pairs, *(const guint *) a * 2),
                 g_ptr_array_index (pairs, *(const guint *) b * 2));
}

/* Takes the key and value arrays, already validated. */
static JustSyncScope *
scope_new_take (const char  *name,
                GPtrArray   *pairs,
                GError     **error)
{
  JustSyncScope *self;
  guint n = pairs->len / 2;
  g_autofree guint *order = g_new (guint, n);

  for (guint i = 0; i < n; i++)
    order[i] = i;
  /* O(n log n): a scope from a D-Bus client may have thousands of keys. */
  g_qsort_with_data (order, n, sizeof *order, compare_keys, pairs);

  for (guint i = 1; i < n; i++)
    if (strcmp (g_ptr_array_index (pairs, order[i - 1] * 2),
                g_ptr_array_index (pairs, order[i] * 2)) == 0)
      {
        g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                     _("The scope key “%s” is given twice"),
                     (const char *) g_ptr_array_index (pairs, order[i] * 2));
        return NULL;
      }

  self = g_new0 (JustSyncScope, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->name = g_strdup (name);
  self->keys = g_new0 (char *, n + 1);
  self->values = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    {
      self->keys[i] = g_strdup (g_ptr_array_index (pairs, order[i] * 2));
      self->values[i] = g_strdup (g_ptr_array_index (pairs, order[i] * 2 + 1));
    }
  self->canonical = build_canonical (self->name,
                                     (const char * const *) self->keys,
                                     (const char * const *) self->values);
  return self;
}

/**
 * just_sync_scope_new:
 * @name: the scope's name, such as `"records"`
 * @error: return location for an error
 *
 * Creates a scope without keys. Add keys with [method@JustSync.Scope.with_key].
 *
 * Returns: (transfer full): a new scope, or %NULL with
 *   %JUST_SYNC_ERROR_INVALID_ARGUMENT when @name is empty or not UTF-8
 */
JustSyncScope *
just_sync_scope_new (const char  *name,
                     GError     **error)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new ();

  g_return_val_if_fail (name != NULL, NULL);

  if (!check_name (name, error))
    return NULL;
  return scope_new_take (name, pairs, error);
}

/**
 * just_sync_scope_new_with_keys:
 * @name: the scope's name
 * @keys: (nullable) (element-type utf8 utf8): the scope's keys and values
 * @error: return location for an error
 *
 * Creates a scope with keys.
 *
 * Returns: (transfer full): a new scope, or %NULL with
 *   %JUST_SYNC_ERROR_INVALID_ARGUMENT for an empty name or key
 */
JustSyncScope *
just_sync_scope_new_with_keys (const char  *name,
                               GHashTable  *keys,
                               GError     **error)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (name != NULL, NULL);

  if (!check_name (name, error))
    return NULL;

  if (keys != NULL)
    {
      g_hash_table_iter_init (&iter, keys);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          if (key == NULL || value == NULL)
            {
              g_set_error_literal (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                                   _("Scope keys and values must not be null"));
              return NULL;
            }
          if (!check_key (key, value, error))
            return NULL;
          g_ptr_array_add (pairs, key);
          g_ptr_array_add (pairs, value);
        }
    }

  return scope_new_take (name, pairs, error);
}

/**
 * just_sync_scope_with_key:
 * @self: a scope
 * @key: a key name, such as `"userId"`
 * @value: its value
 * @error: return location for an error
 *
 * Returns a scope equal to @self with @key set to @value, replacing any
 * value @key had. @self is not changed.
 *
 * Returns: (transfer full): a new scope, or %NULL with
 *   %JUST_SYNC_ERROR_INVALID_ARGUMENT for an empty key
 */
JustSyncScope *
just_sync_scope_with_key (JustSyncScope  *self,
                          const char     *key,
                          const char     *value,
                          GError        **error)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new ();

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (value != NULL, NULL);

  if (!check_key (key, value, error))
    return NULL;

  for (guint i = 0; self->keys[i] != NULL; i++)
    if (strcmp (self->keys[i], key) != 0)
      {
        g_ptr_array_add (pairs, self->keys[i]);
        g_ptr_array_add (pairs, self->values[i]);
      }
  g_ptr_array_add (pairs, (gpointer) key);
  g_ptr_array_add (pairs, (gpointer) value);

  return scope_new_take (self->name, pairs, error);
}

static char *
unescape_part (const char  *text,
               const char  *end,
               GError     **error)
{
  g_autofree char *part = g_strndup (text, end - text);
  char *unescaped = g_uri_unescape_string (part, NULL);

  if (unescaped == NULL || !g_utf8_validate (unescaped, -1, NULL))
    {
      g_autofree char *shown = g_utf8_make_valid (part, -1);

      g_free (unescaped);
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid escaped scope part"), shown);
      return NULL;
    }
  return unescaped;
}

/**
 * just_sync_scope_parse:
 * @text: a scope in its string form, `name?key=value&key=value`
 * @error: return location for an error
 *
 * Parses the string form of a scope, as [method@JustSync.Scope.to_string] writes
 * it. Keys may come in any order; reserved characters (`%?&=` and any
 * other outside letters, digits and `-._~`) are percent-escaped.
 *
 * Returns: (transfer full): the scope, or %NULL with
 *   %JUST_SYNC_ERROR_INVALID_ARGUMENT when @text is malformed
 */
JustSyncScope *
just_sync_scope_parse (const char  *text,
                       GError     **error)
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *name = NULL;
  const char *query;

  g_return_val_if_fail (text != NULL, NULL);

  query = strchr (text, '?');
  name = unescape_part (text, query != NULL ? query : text + strlen (text), error);
  if (name == NULL || !check_name (name, error))
    return NULL;

  if (query != NULL)
    {
      const char *p = query + 1;

      for (;;)
        {
          const char *amp = strchr (p, '&');
          const char *end = amp != NULL ? amp : p + strlen (p);
          const char *eq = memchr (p, '=', end - p);
          char *key, *value;

          if (eq == NULL)
            {
              g_autofree char *shown = g_utf8_make_valid (text, -1);

              g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("The scope “%s” has a key without a value"), shown);
              return NULL;
            }
          if ((key = unescape_part (p, eq, error)) == NULL)
            return NULL;
          g_ptr_array_add (pairs, key);
          if ((value = unescape_part (eq + 1, end, error)) == NULL)
            return NULL;
          g_ptr_array_add (pairs, value);
          if (!check_key (key, value, error))
            return NULL;

          if (amp == NULL)
            break;
          p = amp + 1;
        }
    }

  return scope_new_take (name, pairs, error);
}

/**
 * just_sync_scope_from_json:
 * @node: a JSON object `{"name": …, "keys": {…}}`
 * @error: return location for an error
 *
 * Reads a scope from the JSON form [method@JustSync.Scope.to_json] writes.
 *
 * Returns: (transfer full): the scope, or %NULL with
 *   %JUST_SYNC_ERROR_INVALID_ARGUMENT
 */
JustSyncScope *
just_sync_scope_from_json (JsonNode  *node,
                           GError   **error)
{
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *object, *keys_object = NULL;
  JsonNode *keys_node;
  const char *name;

  g_return_val_if_fail (node != NULL, NULL);

  if ((object = _just_sync_json_get_object (node, _("A scope"), error)) == NULL ||
      !_just_sync_json_get_string (object, "name", FALSE, &name, error))
    return NULL;

  keys_node = json_object_get_member (object, "keys");
  if (keys_node != NULL && !JSON_NODE_HOLDS_NULL (keys_node) &&
      (keys_object = _just_sync_json_get_object (keys_node, _("The scope keys"), error)) == NULL)
    return NULL;

  if (keys_object != NULL)
    {
      JsonObjectIter iter;
      const char *key;
      JsonNode *value;

      json_object_iter_init (&iter, keys_object);
      while (json_object_iter_next (&iter, &key, &value))
        {
          if (json_node_get_value_type (value) != G_TYPE_STRING)
            {
              g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                           _("The scope key “%s” is not a string"), key);
              return NULL;
            }
          g_hash_table_insert (keys, (gpointer) key, (gpointer) json_node_get_string (value));
        }
    }

  return just_sync_scope_new_with_keys (name, keys, error);
}

/**
 * just_sync_scope_ref:
 * @self: a scope
 *
 * Acquires a reference.
 *
 * Returns: (transfer full): @self
 */
JustSyncScope *
just_sync_scope_ref (JustSyncScope *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * just_sync_scope_unref:
 * @self: (transfer full): a scope
 *
 * Releases a reference; the last one frees the scope.
 */
void
just_sync_scope_unref (JustSyncScope *self)
{
  g_return_if_fail (self != NULL);

  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->name);
      g_strfreev (self->keys);
      g_strfreev (self->values);
      g_free (self->canonical);
      g_free (self);
    }
}

/**
 * just_sync_scope_get_name:
 * @self: a scope
 *
 * Gets the scope's name: the kind of records it holds, such as `notes`.
 *
 * Returns: the scope's name
 */
const char *
just_sync_scope_get_name (JustSyncScope *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->name;
}

/**
 * just_sync_scope_get_key:
 * @self: a scope
 * @key: a key name
 *
 * Gets the value of one of the scope's keys.
 *
 * Returns: (nullable): the value of @key, or %NULL if the scope has no such key
 */
const char *
just_sync_scope_get_key (JustSyncScope *self,
                         const char    *key)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; self->keys[i] != NULL; i++)
    if (strcmp (self->keys[i], key) == 0)
      return self->values[i];
  return NULL;
}

/**
 * just_sync_scope_dup_keys:
 * @self: a scope
 *
 * Lists the names of the scope's keys.
 *
 * Returns: (transfer full) (array zero-terminated=1): the key names, sorted
 */
char **
just_sync_scope_dup_keys (JustSyncScope *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_strdupv (self->keys);
}

/**
 * just_sync_scope_get_n_keys:
 * @self: a scope
 *
 * Counts the scope's keys.
 *
 * Returns: how many keys the scope has
 */
guint
just_sync_scope_get_n_keys (JustSyncScope *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_strv_length (self->keys);
}

/**
 * just_sync_scope_to_string:
 * @self: a scope
 *
 * Returns the canonical string form, `name?key=value&…` with the keys sorted
 * and reserved characters percent-escaped. Equal scopes have equal strings.
 *
 * Returns: the canonical form, owned by @self
 */
const char *
just_sync_scope_to_string (JustSyncScope *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->canonical;
}

/**
 * just_sync_scope_to_json:
 * @self: a scope
 *
 * Serializes @self to JSON, for logs, tests and the D-Bus service.
 *
 * Returns: (transfer full): `{"name": …, "keys": {…}}`
 */
JsonNode *
just_sync_scope_to_json (JustSyncScope *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, self->name);
  json_builder_set_member_name (builder, "keys");
  json_builder_begin_object (builder);
  for (guint i = 0; self->keys[i] != NULL; i++)
    {
      json_builder_set_member_name (builder, self->keys[i]);
      json_builder_add_string_value (builder, self->values[i]);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * just_sync_scope_equal:
 * @a: (type JustSyncScope): a scope
 * @b: (type JustSyncScope): another scope
 *
 * Compares two scopes.
 *
 * Returns: %TRUE if both have the same name and the same keys and values
 */
gboolean
just_sync_scope_equal (gconstpointer a,
                       gconstpointer b)
{
  const JustSyncScope *sa = a, *sb = b;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return sa == sb || strcmp (sa->canonical, sb->canonical) == 0;
}

/**
 * just_sync_scope_hash:
 * @self: (type JustSyncScope): a scope
 *
 * Hashes the scope.
 *
 * Returns: a hash for #GHashTable, consistent with [method@JustSync.Scope.equal]
 */
guint
just_sync_scope_hash (gconstpointer self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_str_hash (((const JustSyncScope *) self)->canonical);
}
