/* justsync-json-reader.c: the one strict JSON boundary
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every JSON text that reaches JustSync from outside (payloads from apps
 * and D-Bus clients, server replies, realtime events, tokens) is read by
 * _just_sync_json_parse(). json-glib 1.6 alone is not fit for that: it
 * accepts single-quoted strings and comments, parses recursively (deep
 * nesting overflows the stack), wraps integers outside int64, truncates
 * strings at \u0000, reads infinities, and turns an escaped lone surrogate
 * into invalid UTF-8. So an iterative tokenizer checks the text against
 * RFC 8259 and the rules below first, and only accepted text is built into
 * a tree, by a second iterative pass that makes the json-glib nodes
 * JsonParser would (sealed, integers as int64, other numbers as doubles,
 * a repeated member name keeping its last value) at a fraction of its
 * cost: JsonParser's scanner was a third of a sync's client time.
 *
 * - the text is at most %JUST_SYNC_JSON_MAX_LENGTH bytes of valid UTF-8
 *   and holds exactly one value, with only RFC 8259 whitespace around it;
 * - arrays and objects nest at most @max_depth levels;
 * - strings have no raw control characters, no \u0000 (json-glib keeps
 *   strings as C strings, so it would silently cut them) and no unpaired
 *   surrogate escapes;
 * - an integer (a number without fraction or exponent) lies within int64,
 *   so that it is kept exactly; other numbers must be finite doubles.
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "justsync-error.h"
#include "justsync-json-private.h"

typedef struct
{
  const guchar *start;
  const guchar *p;
  const guchar *end;
} Reader;

static gboolean G_GNUC_PRINTF (3, 4)
reader_fail (Reader      *reader,
             GError     **error,
             const char  *format,
             ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
               _("Invalid JSON at byte %lu: %s"),
               (gulong) (reader->p - reader->start), what);
  return FALSE;
}

static void
skip_whitespace (Reader *reader)
{
  while (reader->p < reader->end &&
         (*reader->p == ' ' || *reader->p == '\t' || *reader->p == '\n' || *reader->p == '\r'))
    reader->p++;
}

static int
hex_value (guchar c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads the four hex digits after `\u`; -1 if they are not there. */
static int
read_hex4 (Reader *reader)
{
  int value = 0;

  if (reader->end - reader->p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int digit = hex_value (reader->p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  reader->p += 4;
  return value;
}

/* At the opening quote. The text is already known to be valid UTF-8. */
static gboolean
read_string (Reader  *reader,
             GError **error)
{
  reader->p++;
  for (;;)
    {
      guchar c;

      if (reader->p >= reader->end)
        return reader_fail (reader, error, _("unterminated string"));
      c = *reader->p;
      if (c == '"')
        {
          reader->p++;
          return TRUE;
        }
      if (c < 0x20)
        return reader_fail (reader, error, _("control character in a string"));
      reader->p++;
      if (c != '\\')
        continue;

      if (reader->p >= reader->end)
        return reader_fail (reader, error, _("unterminated string"));
      c = *reader->p++;
      if (c == 'u')
        {
          int unit = read_hex4 (reader);

          if (unit < 0)
            return reader_fail (reader, error, _("bad \\u escape"));
          if (unit == 0)
            return reader_fail (reader, error, _("\\u0000 in a string is not supported"));
          if (unit >= 0xDC00 && unit <= 0xDFFF)
            return reader_fail (reader, error, _("unpaired surrogate escape"));
          if (unit >= 0xD800 && unit <= 0xDBFF)
            {
              int low;

              if (reader->end - reader->p < 2 || reader->p[0] != '\\' || reader->p[1] != 'u')
                return reader_fail (reader, error, _("unpaired surrogate escape"));
              reader->p += 2;
              low = read_hex4 (reader);
              if (low < 0xDC00 || low > 0xDFFF)
                return reader_fail (reader, error, _("unpaired surrogate escape"));
            }
        }
      else if (strchr ("\"\\/bfnrt", c) == NULL || c == '\0')
        return reader_fail (reader, error, _("bad escape in a string"));
    }
}

static gboolean
read_digits (Reader *reader)
{
  const guchar *first = reader->p;

  while (reader->p < reader->end && g_ascii_isdigit (*reader->p))
    reader->p++;
  return reader->p > first;
}

/* An integer has no fraction and no exponent, and must fit in int64: json-glib
 * would wrap it. Any other number must be a finite double. */
static gboolean
read_number (Reader  *reader,
             GError **error)
{
  const guchar *first = reader->p;
  gboolean integer = TRUE;
  char buffer[64];
  g_autofree char *long_text = NULL;
  const char *text;
  gsize length;

  if (*reader->p == '-')
    reader->p++;
  if (reader->p < reader->end && *reader->p == '0')
    reader->p++;
  else if (!read_digits (reader))
    return reader_fail (reader, error, _("bad number"));

  if (reader->p < reader->end && *reader->p == '.')
    {
      integer = FALSE;
      reader->p++;
      if (!read_digits (reader))
        return reader_fail (reader, error, _("bad number"));
    }
  if (reader->p < reader->end && (*reader->p == 'e' || *reader->p == 'E'))
    {
      integer = FALSE;
      reader->p++;
      if (reader->p < reader->end && (*reader->p == '+' || *reader->p == '-'))
        reader->p++;
      if (!read_digits (reader))
        return reader_fail (reader, error, _("bad number"));
    }

  /* A copy to nul-terminate it: on the stack unless it is very long. */
  length = reader->p - first;
  if (length < sizeof buffer)
    {
      memcpy (buffer, first, length);
      buffer[length] = '\0';
      text = buffer;
    }
  else
    text = long_text = g_strndup ((const char *) first, length);
  errno = 0;
  if (integer)
    {
      g_ascii_strtoll (text, NULL, 10);
      if (errno == ERANGE)
        {
          reader->p = first;
          return reader_fail (reader, error, _("the integer is outside the 64-bit range"));
        }
    }
  else if (!isfinite (g_ascii_strtod (text, NULL)))
    {
      reader->p = first;
      return reader_fail (reader, error, _("the number is too large"));
    }
  return TRUE;
}

static gboolean
read_literal (Reader     *reader,
              const char *literal,
              GError    **error)
{
  gsize length = strlen (literal);

  if ((gsize) (reader->end - reader->p) < length || memcmp (reader->p, literal, length) != 0)
    return reader_fail (reader, error, _("unexpected character"));
  reader->p += length;
  return TRUE;
}

/* A member name, then the colon. */
static gboolean
read_member_name (Reader  *reader,
                  GError **error)
{
  skip_whitespace (reader);
  if (reader->p >= reader->end || *reader->p != '"')
    return reader_fail (reader, error, _("expected a member name"));
  if (!read_string (reader, error))
    return FALSE;
  skip_whitespace (reader);
  if (reader->p >= reader->end || *reader->p != ':')
    return reader_fail (reader, error, _("expected “:”"));
  reader->p++;
  return TRUE;
}

/*
 * _just_sync_json_validate:
 *
 * Checks that @data is one JSON value by the rules above, without building
 * anything: iterative, linear time, and memory for @max_depth levels only.
 */
gboolean
_just_sync_json_validate (const char  *data,
                          gsize        length,
                          guint        max_depth,
                          GError     **error)
{
  Reader reader = { (const guchar *) data, (const guchar *) data, (const guchar *) data + length };
  g_autofree guchar *stack = g_malloc (max_depth + 1);
  guint depth = 0;
  const char *invalid;

  if (length > JUST_SYNC_JSON_MAX_LENGTH)
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("The JSON text is %lu bytes long; the limit is %d"),
                   (gulong) length, JUST_SYNC_JSON_MAX_LENGTH);
      return FALSE;
    }
  if (!g_utf8_validate_len (data, length, &invalid))
    {
      reader.p = (const guchar *) invalid;
      return reader_fail (&reader, error, _("not valid UTF-8"));
    }

  for (;;)
    {
      gboolean ok;

      /* A value. */
      skip_whitespace (&reader);
      if (reader.p >= reader.end)
        return reader_fail (&reader, error, _("expected a value"));
      switch (*reader.p)
        {
        case '{':
        case '[':
          if (depth >= max_depth)
            return reader_fail (&reader, error,
                                _("arrays and objects nest more than %u levels deep"), max_depth);
          stack[depth++] = *reader.p == '{' ? '}' : ']';
          reader.p++;
          skip_whitespace (&reader);
          if (reader.p < reader.end && *reader.p == stack[depth - 1])
            {
              reader.p++;
              depth--;
              ok = TRUE;
              break;
            }
          if (stack[depth - 1] == '}' && !read_member_name (&reader, error))
            return FALSE;
          continue;
        case '"':
          ok = read_string (&reader, error);
          break;
        case 't':
          ok = read_literal (&reader, "true", error);
          break;
        case 'f':
          ok = read_literal (&reader, "false", error);
          break;
        case 'n':
          ok = read_literal (&reader, "null", error);
          break;
        default:
          if (*reader.p == '-' || g_ascii_isdigit (*reader.p))
            ok = read_number (&reader, error);
          else
            ok = reader_fail (&reader, error, _("unexpected character"));
          break;
        }
      if (!ok)
        return FALSE;

      /* After a value: close containers, or go on to the next element. */
      for (;;)
        {
          skip_whitespace (&reader);
          if (depth == 0)
            {
              if (reader.p != reader.end)
                return reader_fail (&reader, error, _("unexpected text after the value"));
              return TRUE;
            }
          if (reader.p >= reader.end)
            return reader_fail (&reader, error, _("unexpected end"));
          if (*reader.p == stack[depth - 1])
            {
              reader.p++;
              depth--;
              continue;
            }
          if (*reader.p != ',')
            return reader_fail (&reader, error, _("expected “,” or “%c”"), stack[depth - 1]);
          reader.p++;
          if (stack[depth - 1] == '}' && !read_member_name (&reader, error))
            return FALSE;
          break;
        }
    }
}

/* The tree builder: runs on text _just_sync_json_validate() accepted, so
 * it checks nothing and never reads past a closing quote or bracket. */

/* At the opening quote; returns the string with its escapes decoded. */
static char *
build_string (Reader *reader)
{
  const guchar *p = reader->p + 1;
  const guchar *run = p;
  GString *out;

  while (*p != '"' && *p != '\\')
    p++;
  if (*p == '"')
    {
      reader->p = p + 1;
      return g_strndup ((const char *) run, p - run);
    }

  out = g_string_sized_new ((p - run) + 16);
  for (;;)
    {
      guchar c;

      g_string_append_len (out, (const char *) run, p - run);
      if (*p == '"')
        break;
      p++;
      c = *p++;
      switch (c)
        {
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          {
            gunichar unit;

            reader->p = p;
            unit = read_hex4 (reader);
            if (unit >= 0xD800 && unit <= 0xDBFF)
              {
                reader->p += 2;
                unit = 0x10000 + ((unit - 0xD800) << 10) + (read_hex4 (reader) - 0xDC00);
              }
            p = reader->p;
            g_string_append_unichar (out, unit);
          }
          break;
        default:   /* " \ / */
          g_string_append_c (out, c);
          break;
        }
      run = p;
      while (*p != '"' && *p != '\\')
        p++;
    }
  reader->p = p + 1;
  return g_string_free (out, FALSE);
}

static JsonNode *
build_number (Reader *reader)
{
  const guchar *first = reader->p;
  gboolean integer = TRUE;
  char buffer[64];
  g_autofree char *long_text = NULL;
  const char *text;
  gsize length;
  JsonNode *node = json_node_init (json_node_alloc (), JSON_NODE_VALUE);

  while (reader->p < reader->end &&
         (g_ascii_isdigit (*reader->p) || *reader->p == '-' || *reader->p == '+' ||
          *reader->p == '.' || *reader->p == 'e' || *reader->p == 'E'))
    {
      if (!g_ascii_isdigit (*reader->p) && *reader->p != '-')
        integer = FALSE;
      reader->p++;
    }

  length = reader->p - first;
  if (length < sizeof buffer)
    {
      memcpy (buffer, first, length);
      buffer[length] = '\0';
      text = buffer;
    }
  else
    text = long_text = g_strndup ((const char *) first, length);
  if (integer)
    json_node_set_int (node, g_ascii_strtoll (text, NULL, 10));
  else
    json_node_set_double (node, g_ascii_strtod (text, NULL));
  return node;
}

/* At a member name: reads it and the colon after it. */
static char *
build_member_name (Reader *reader)
{
  char *name;

  skip_whitespace (reader);
  name = build_string (reader);
  skip_whitespace (reader);
  reader->p++;
  return name;
}

typedef struct
{
  JsonNode *node;
  char *name;                       /* an object's member being read */
} Frame;

static void
frame_clear (Frame *frame)
{
  g_clear_pointer (&frame->node, json_node_unref);
  g_clear_pointer (&frame->name, g_free);
}

/* @seal: make every object and array immutable, as JsonParser's
 * immutable mode does; sealing hashes every value once. */
static JsonNode *
build_tree (const char *data,
            gsize       length,
            gboolean    seal)
{
  Reader reader = { (const guchar *) data, (const guchar *) data, (const guchar *) data + length };
  g_autoptr(GArray) stack = g_array_new (FALSE, TRUE, sizeof (Frame));

  g_array_set_clear_func (stack, (GDestroyNotify) frame_clear);
  for (;;)
    {
      JsonNode *value;
      Frame *top;

      skip_whitespace (&reader);
      switch (*reader.p)
        {
        case '{':
        case '[':
          {
            Frame frame = { json_node_alloc (), NULL };
            guchar close = *reader.p == '{' ? '}' : ']';

            if (close == '}')
              json_node_take_object (json_node_init (frame.node, JSON_NODE_OBJECT), json_object_new ());
            else
              json_node_take_array (json_node_init (frame.node, JSON_NODE_ARRAY), json_array_new ());
            reader.p++;
            skip_whitespace (&reader);
            if (*reader.p == close)
              {
                reader.p++;
                value = frame.node;
                break;
              }
            if (close == '}')
              frame.name = build_member_name (&reader);
            g_array_append_val (stack, frame);
            continue;
          }
        case '"':
          {
            g_autofree char *text = build_string (&reader);

            value = json_node_init_string (json_node_alloc (), text);
          }
          break;
        case 't':
          reader.p += 4;
          value = json_node_init_boolean (json_node_alloc (), TRUE);
          break;
        case 'f':
          reader.p += 5;
          value = json_node_init_boolean (json_node_alloc (), FALSE);
          break;
        case 'n':
          reader.p += 4;
          value = json_node_init_null (json_node_alloc ());
          break;
        default:
          value = build_number (&reader);
          break;
        }
      if (seal)
        json_node_seal (value);

      /* Put the value into its container; close the containers it ends. */
      for (;;)
        {
          if (stack->len == 0)
            return value;
          top = &g_array_index (stack, Frame, stack->len - 1);
          json_node_set_parent (value, top->node);
          if (JSON_NODE_HOLDS_OBJECT (top->node))
            {
              json_object_set_member (json_node_get_object (top->node), top->name, value);
              g_clear_pointer (&top->name, g_free);
            }
          else
            json_array_add_element (json_node_get_array (top->node), value);

          skip_whitespace (&reader);
          if (*reader.p == ',')
            {
              reader.p++;
              if (JSON_NODE_HOLDS_OBJECT (top->node))
                top->name = build_member_name (&reader);
              break;
            }
          reader.p++;
          value = g_steal_pointer (&top->node);
          if (seal)
            json_node_seal (value);
          g_array_set_size (stack, stack->len - 1);
        }
    }
}

/*
 * _just_sync_json_parse:
 * @data: JSON text, not necessarily nul-terminated
 * @length: its length in bytes, or -1 when @data is nul-terminated
 * @max_depth: the deepest nesting of arrays and objects allowed, usually
 *   %JUST_SYNC_JSON_MAX_DEPTH
 * @error: return location for a %JUST_SYNC_ERROR_INVALID_ARGUMENT
 *
 * Parses one JSON value strictly (see the rules at the top of this file).
 * The error message never quotes the input: it is valid UTF-8 whatever
 * @data holds.
 *
 * Returns: (transfer full): the value, its objects and arrays immutable
 */
JsonNode *
_just_sync_json_parse (const char  *data,
                       gssize       length,
                       guint        max_depth,
                       GError     **error)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length < 0)
    length = strlen (data);
  if (!_just_sync_json_validate (data, length, max_depth, error))
    return NULL;
  return build_tree (data, length, TRUE);
}

/*
 * _just_sync_json_parse_unsealed:
 *
 * _just_sync_json_parse(), with nothing sealed: for a tree that one
 * reader takes apart on the thread that parsed it, sealing only what it
 * keeps (so values are hashed once, not once per level). Nothing else
 * may see the tree.
 */
JsonNode *
_just_sync_json_parse_unsealed (const char  *data,
                                gsize        length,
                                guint        max_depth,
                                GError     **error)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (!_just_sync_json_validate (data, length, max_depth, error))
    return NULL;
  return build_tree (data, length, FALSE);
}
