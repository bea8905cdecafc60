/* test-json.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The one strict JSON boundary (_just_sync_json_parse) and the writer
 * whose every output it reads back.
 */

#include <float.h>
#include <math.h>
#include <string.h>

#include "justsync-json-private.h"
#include "justsync-test-util.h"
#include "common/json-same-tree.h"

static JsonNode *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = _just_sync_json_parse (text, -1, JUST_SYNC_JSON_MAX_DEPTH, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
assert_refused (const char *text,
                gssize      length)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *head = g_strndup (text, 60);
  g_autofree char *shown = g_strescape (head, NULL);

  g_test_message ("refused? %s", shown);
  node = _just_sync_json_parse (text, length, JUST_SYNC_JSON_MAX_DEPTH, &error);
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_assert_null (node);
  /* The message goes to D-Bus clients and logs: never invalid UTF-8. */
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

/* What json-glib 1.6 accepts beyond RFC 8259, and what RFC 8259 allows
 * but JustSync refuses because json-glib would change it. */
static void
test_strict (void)
{
  static const char *refused[] = {
    "", " ", "{", "}", "[1,]", "{\"a\":1,}", "[,1]", "{,}", "{\"a\"}", "{\"a\":}", "{1:2}",
    "{'a':1}", "['\"']", "[1]/* c */", "/**/[1]", "[1]//", "# x\n[1]", "[1] [2]", "{}{}",
    "[1]x", "[01]", "[1.]", "[.5]", "[1e]", "[+1]", "[-]", "[0x10]", "[NaN]", "[Infinity]",
    "[-Infinity]", "[tru]", "[nul]", "[True]", "[\"\\x41\"]", "[\"\\u12\"]", "[\"\\uZZZZ\"]",
    "[\"a\tb\"]", "[\"a\nb\"]", "[\"\\'\"]", "[\"unterminated]", "\xef\xbb\xbf[1]",
    "[\"\xff\"]", "[\"\xc3\x28\"]", "[\"\xed\xa0\x80\"]", "\f[1]", "[1]\v",
    /* Item 5: NUL would be cut, integers outside int64 would wrap. */
    "[\"a\\u0000b\"]", "{\"a\\u0000\":1}",
    "[9223372036854775808]", "[-9223372036854775809]", "[18446744073709551616]",
    "[123456789012345678901234]", "[1e999]", "[-1e999]", "[1e309]",
    /* Item 4: lone surrogates. */
    "[\"\\ud800x\"]", "[\"\\ud800\"]", "[\"\\udc00\"]", "[\"\\ud800\\u0041\"]",
    "[\"\\udbff\\ud800\"]", "[\"x\\ud800\\\"]",
  };
  g_autoptr(JsonNode) scalar = parse_ok (" \t\r\n42 \n");
  g_autoptr(JsonNode) pair = parse_ok ("[\"\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\\\"\\\\\"]");
  g_autoptr(JsonNode) empty_name = parse_ok ("{\"\":{}, \"b\" : [ ] }");

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    assert_refused (refused[i], -1);
  /* A NUL byte inside the given length. */
  assert_refused ("[1]\0", 4);
  assert_refused ("[\"a\0b\"]", 7);

  g_assert_cmpint (json_node_get_int (scalar), ==, 42);
  g_assert_cmpstr (json_array_get_string_element (json_node_get_array (pair), 0), ==,
                   "\xf0\x9f\x98\x80/\b\f\n\r\t\"\\");
  g_assert_true (json_object_has_member (json_node_get_object (empty_name), ""));
}

static void
test_integers (void)
{
  g_autoptr(JsonNode) node = parse_ok ("[9223372036854775807,-9223372036854775808,-0,0,"
                                       "1e2,100.0,5e-324,1e-400]");
  JsonArray *array = json_node_get_array (node);

  g_assert_cmpint (json_array_get_int_element (array, 0), ==, G_MAXINT64);
  g_assert_cmpint (json_array_get_int_element (array, 1), ==, G_MININT64);
  g_assert_cmpint (json_node_get_value_type (json_array_get_element (array, 2)), ==, G_TYPE_INT64);
  /* An exponent or a fraction makes a double, as in JavaScript's view. */
  for (guint i = 4; i < 8; i++)
    g_assert_cmpint (json_node_get_value_type (json_array_get_element (array, i)), ==, G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_array_get_double_element (array, 4), ==, 100.0);
  g_assert_cmpfloat (json_array_get_double_element (array, 6), ==, 5e-324);
  /* Underflow is finite: it reads as zero. */
  g_assert_cmpfloat (json_array_get_double_element (array, 7), ==, 0.0);

  /* Numbers longer than the tokenizer's stack buffer. */
  {
    g_autofree char *zeros = g_strnfill (100, '0');
    g_autofree char *tiny = g_strdup_printf ("[0.%s25]", zeros);
    g_autofree char *huge = g_strdup_printf ("[1%s]", zeros);
    g_autoptr(JsonNode) tiny_node = parse_ok (tiny);

    g_assert_cmpfloat (json_array_get_double_element (json_node_get_array (tiny_node), 0), ==,
                       g_ascii_strtod (tiny + 1, NULL));
    assert_refused (huge, -1);
  }
}

/* 64 levels of arrays and objects are fine, 65 are not, however they are
 * hidden: the tokenizer counts, so strings and comments cannot fool it. */
static void
test_depth (void)
{
  g_autoptr(GString) ok = g_string_new (NULL);
  g_autoptr(GString) deep = g_string_new (NULL);
  g_autoptr(GString) huge = g_string_new ("{\"a\":['\"',");
  g_autoptr(JsonNode) node = NULL;

  for (guint i = 0; i < JUST_SYNC_JSON_MAX_DEPTH; i++)
    g_string_append (ok, i % 2 ? "[" : "{\"k\":");
  g_string_truncate (deep, 0);
  g_string_append (deep, ok->str);
  for (guint i = JUST_SYNC_JSON_MAX_DEPTH; i > 0; i--)
    g_string_append (ok, (i - 1) % 2 ? "]" : "}");
  node = parse_ok (ok->str);
  g_assert_nonnull (node);

  g_string_append (deep, "[]");
  for (guint i = JUST_SYNC_JSON_MAX_DEPTH; i > 0; i--)
    g_string_append (deep, (i - 1) % 2 ? "]" : "}");
  assert_refused (deep->str, -1);

  /* Crash 1: a quote in a single-quoted string stopped the old scanner. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (huge, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (huge, ']');
  g_string_append (huge, "]}");
  assert_refused (huge->str, -1);

  /* Crash 2: a reply nested a million levels. */
  g_string_truncate (huge, 0);
  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (huge, '[');
  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (huge, ']');
  assert_refused (huge->str, -1);
}

static void
test_write_numbers (void)
{
  static const struct {
    double value;
    const char *text;
  } cases[] = {
    { 0.0, "0.0" }, { -0.0, "-0.0" }, { 1.0, "1.0" }, { 0.1, "0.1" }, { -2.5, "-2.5" },
    { 1e16, "1.0e+16" }, { 1e17, "1.0e+17" }, { 1e21, "1.0e+21" }, { 1e22, "1.0e+22" },
    { 1e47, "1.0e+47" }, { 123456.0, "123456.0" }, { 1.5e300, "1.5e+300" },
    { 5e-324, "5.0e-324" }, { DBL_MAX, "1.7976931348623157e+308" },
    { 1.0 / 3.0, "0.3333333333333333" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      g_autoptr(JsonNode) back = NULL;

      _just_sync_json_append_double (out, cases[i].value);
      g_assert_cmpstr (out->str, ==, cases[i].text);
      back = parse_ok (out->str);
      g_assert_cmpint (json_node_get_value_type (back), ==, G_TYPE_DOUBLE);
      g_assert_true (json_node_get_double (back) == cases[i].value);
      g_assert_cmpint (signbit (json_node_get_double (back)), ==, signbit (cases[i].value));
    }
}

/* What the json-glib API lets an app build but no text can carry. */
static void
test_check_value (void)
{
  static const double not_finite[] = { INFINITY, -INFINITY, NAN };
  g_autoptr(JsonNode) deep = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(JsonNode) bad_string = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonObject) bad_name = json_object_new ();
  g_autoptr(JsonNode) bad_name_node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(GError) error = NULL;
  JsonArray *inner;

  for (guint i = 0; i < G_N_ELEMENTS (not_finite); i++)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);

      json_node_set_double (node, not_finite[i]);
      g_assert_false (_just_sync_json_check_value (node, JUST_SYNC_JSON_MAX_DEPTH, &error));
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
    }

  json_node_take_array (deep, json_array_new ());
  inner = json_node_get_array (deep);
  for (guint i = 1; i < 70; i++)
    {
      JsonArray *next = json_array_new ();

      json_array_add_array_element (inner, next);
      inner = next;
    }
  g_assert_false (_just_sync_json_check_value (deep, JUST_SYNC_JSON_MAX_DEPTH, &error));
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (_just_sync_json_check_value (deep, 70, &error));
  g_assert_no_error (error);

  json_node_set_string (bad_string, "a\xed\xa0\x80");
  g_assert_false (_just_sync_json_check_value (bad_string, JUST_SYNC_JSON_MAX_DEPTH, &error));
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  json_object_set_int_member (bad_name, "\xff", 1);
  json_node_set_object (bad_name_node, bad_name);
  g_assert_false (_just_sync_json_check_value (bad_name_node, JUST_SYNC_JSON_MAX_DEPTH, &error));
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
}

/* {{{ Random payloads */

static char *
random_string (GRand *rand)
{
  static const gunichar specials[] = {
    '"', '\\', '/', '\b', '\f', '\n', '\r', '\t', 0x01, 0x1f, 0x7f, 0x80, 0xff, 0x2028,
    0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff, '<', '\'', 'e', '.',
  };
  GString *out = g_string_new (NULL);
  guint length = g_rand_int_range (rand, 0, 12);

  for (guint i = 0; i < length; i++)
    {
      gunichar c;

      switch (g_rand_int_range (rand, 0, 4))
        {
        case 0:
          c = specials[g_rand_int_range (rand, 0, G_N_ELEMENTS (specials))];
          break;
        case 1:
          do
            c = g_rand_int_range (rand, 1, 0x110000);
          while (c >= 0xd800 && c <= 0xdfff);
          break;
        default:
          c = g_rand_int_range (rand, 0x20, 0x7f);
          break;
        }
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static double
random_double (GRand *rand)
{
  static const double specials[] = {
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e47, -1e21, 0.1, -0.0, 5e-324, DBL_MAX, -DBL_MAX,
    DBL_MIN, 9007199254740993.0, 1e300,
  };
  union { guint64 bits; double value; } u;

  if (g_rand_boolean (rand))
    return specials[g_rand_int_range (rand, 0, G_N_ELEMENTS (specials))];
  do
    u.bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
  while (!isfinite (u.value));
  return u.value;
}

static JsonNode *
random_node (GRand *rand,
             guint  depth)
{
  JsonNode *node;
  guint kind = g_rand_int_range (rand, 0, depth < JUST_SYNC_JSON_MAX_DEPTH ? 8 : 6);

  switch (kind)
    {
    case 0:
      return json_node_new (JSON_NODE_NULL);
    case 1:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, g_rand_boolean (rand));
      return node;
    case 2:
      {
        static const gint64 specials[] = { G_MININT64, G_MAXINT64, 0, -1, 1, 9007199254740993 };

        node = json_node_new (JSON_NODE_VALUE);
        json_node_set_int (node, g_rand_boolean (rand)
                                 ? specials[g_rand_int_range (rand, 0, G_N_ELEMENTS (specials))]
                                 : (gint64) (((guint64) g_rand_int (rand) << 32) | g_rand_int (rand)));
        return node;
      }
    case 3:
    case 4:
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_double (node, random_double (rand));
      return node;
    case 5:
      {
        g_autofree char *text = random_string (rand);

        node = json_node_new (JSON_NODE_VALUE);
        json_node_set_string (node, text);
        return node;
      }
    case 6:
      {
        JsonArray *array = json_array_new ();
        guint n = g_rand_int_range (rand, 0, 4);

        for (guint i = 0; i < n; i++)
          json_array_add_element (array, random_node (rand, depth + 1));
        node = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (node, array);
        return node;
      }
    default:
      {
        JsonObject *object = json_object_new ();
        guint n = g_rand_int_range (rand, 0, 4);

        for (guint i = 0; i < n; i++)
          {
            g_autofree char *name = random_string (rand);

            json_object_set_member (object, name, random_node (rand, depth + 1));
          }
        node = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (node, object);
        return node;
      }
    }
}

/* }}} */

/* Two values are the same when they write the same text: the writer tells
 * integers from doubles (`1` and `1.0`), -0.0 from 0.0, and keeps the order
 * of members. json_node_equal() must agree. */
static void
assert_same (JsonNode *a,
             JsonNode *b)
{
  g_autofree char *text_a = _just_sync_json_to_string (a, FALSE);
  g_autofree char *text_b = _just_sync_json_to_string (b, FALSE);

  g_assert_cmpstr (text_a, ==, text_b);
  g_assert_true (json_node_equal (a, b));
}

/* The property of issue 12: every accepted value writes text that parses
 * to an equal value, and that text is itself written back unchanged. */
static void
test_round_trip_property (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  guint n = g_test_slow () ? 20000 : 2000;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonNode) node = random_node (rand, 0);
      g_autoptr(JsonNode) back = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      g_assert_true (_just_sync_json_check_value (node, JUST_SYNC_JSON_MAX_DEPTH, &error));
      g_assert_no_error (error);
      text = _just_sync_json_to_string (node, FALSE);
      back = _just_sync_json_parse (text, -1, JUST_SYNC_JSON_MAX_DEPTH, &error);
      g_assert_no_error (error);
      assert_same (node, back);
    }
}

/* The reproducers of items 4 and 5, as text: each is refused or reads back
 * to exactly what it said. */
static void
test_round_trip_reproducers (void)
{
  static const char *texts[] = {
    "{\"n\":1e17}", "{\"n\":1e18}", "{\"n\":1e19}", "{\"n\":1e20}", "{\"n\":1e21}",
    "{\"n\":1e22}", "{\"n\":1e47}", "{\"n\":-1e21}", "{\"n\":1E+21}", "{\"n\":0.1}",
    "{\"n\":9223372036854775807}", "{\"n\":-9223372036854775808}", "{\"s\":\"\\u001f\\u007f\"}",
    "{\"s\":\"\\ud83d\\ude00\"}", "{\"a\":[1,1.0,-0.0,\"x\"],\"b\":{\"c\":null,\"d\":true}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(JsonNode) node = parse_ok (texts[i]);
      g_autofree char *text = _just_sync_json_to_string (node, FALSE);
      g_autoptr(JsonNode) back = parse_ok (text);

      g_test_message ("%s → %s", texts[i], text);
      assert_same (node, back);
    }
}

/* The writer's strings match json-glib's where json-glib's are valid
 * JSON, so that content hashes of existing records do not change; U+001F,
 * which json-glib 1.6 writes raw, is escaped. */
static void
test_write_strings (void)
{
  for (int c = 1; c < 0x80; c++)
    {
      char text[] = { 'a', (char) c, 'b', '\0' };
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
      g_autofree char *ours = NULL;
      g_autofree char *theirs = NULL;

      json_node_set_string (node, text);
      ours = _just_sync_json_to_string (node, FALSE);
      theirs = json_to_string (node, FALSE);
      if (c == 0x1f)
        {
          g_assert_cmpstr (ours, ==, "\"a\\u001fb\"");
          g_assert_cmpstr (theirs, ==, "\"a\x1f" "b\"");
        }
      else
        g_assert_cmpstr (ours, ==, theirs);
    }
}

static void
assert_built_as_json_glib (const char *text,
                           gsize       length)
{
  g_autoptr(JsonNode) ours = _just_sync_json_parse (text, length, JUST_SYNC_JSON_MAX_DEPTH, NULL);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;

  g_autoptr(JsonNode) unsealed = _just_sync_json_parse_unsealed (text, length, JUST_SYNC_JSON_MAX_DEPTH,
                                                                 NULL);

  /* The unsealed tree, for a reply's one reader, is the same but open. */
  g_assert_true ((ours == NULL) == (unsealed == NULL));
  if (ours == NULL)
    return;
  g_assert_true (json_node_equal (ours, unsealed));
  g_assert_true (json_node_get_node_type (unsealed) == JSON_NODE_NULL ||
                 !json_node_is_immutable (unsealed));
  g_assert_true (json_parser_load_from_data (parser, text, length, &error));
  g_assert_no_error (error);
  g_assert_true (json_same_tree (ours, json_parser_get_root (parser)));
}

/* The tree builder replaced JsonParser for speed (issue 14): on texts made
 * to be tricky, random values and the fuzz corpus, it builds the same tree. */
static void
test_same_tree_as_json_glib (void)
{
  static const char *texts[] = {
    "{\"a\":1,\"b\":[true,false,null,-0,-0.0,0.5,1e2,1E-2,-9223372036854775808],\"a\":{\"x\":\"y\"}}",
    "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"\\u00e9\\u20ac\\ud83d\\ude00x\",\"caf\xc3\xa9\",\"\"]",
    "{\"\":\"\",\"k\\u00e9\":{},\"l\":[],\"m\":[[],[{}]]}",
    " \t\r\n{ \"a\" : [ 1 , 2 ] , \"b\" : { } } \n",
    "\"just a string\"", "12", "-1.5e300", "true", "null",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autofree char *corpus = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", NULL);
  g_autoptr(GDir) areas = g_dir_open (corpus, 0, NULL);
  const char *area;
  guint files = 0;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    assert_built_as_json_glib (texts[i], strlen (texts[i]));
  for (guint i = 0; i < 500; i++)
    {
      g_autoptr(JsonNode) node = random_node (rand, 0);
      g_autofree char *text = _just_sync_json_to_string (node, FALSE);

      assert_built_as_json_glib (text, strlen (text));
    }

  g_assert_nonnull (areas);
  while ((area = g_dir_read_name (areas)) != NULL)
    {
      g_autofree char *path = g_build_filename (corpus, area, NULL);
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *file = g_build_filename (path, name, NULL);
          g_autofree char *contents = NULL;
          gsize length;

          g_assert_true (g_file_get_contents (file, &contents, &length, NULL));
          assert_built_as_json_glib (contents, length);
          files++;
        }
    }
  g_assert_cmpuint (files, >, 20);
}

static void
test_canonical (void)
{
  g_autoptr(JsonNode) a = parse_ok ("{\"b\":{\"y\":1,\"x\":[2,{\"q\":0,\"p\":1}]},\"a\":\"\"}");
  g_autoptr(JsonNode) b = parse_ok ("{\"a\":\"\",\"b\":{\"x\":[2,{\"p\":1,\"q\":0}],\"y\":1}}");
  g_autofree char *ca = _just_sync_json_canonical (a);
  g_autofree char *cb = _just_sync_json_canonical (b);

  g_assert_cmpstr (ca, ==, "{\"a\":\"\",\"b\":{\"x\":[2,{\"p\":1,\"q\":0}],\"y\":1}}");
  g_assert_cmpstr (ca, ==, cb);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/json/strict", test_strict);
  g_test_add_func ("/json/integers", test_integers);
  g_test_add_func ("/json/depth", test_depth);
  g_test_add_func ("/json/write-numbers", test_write_numbers);
  g_test_add_func ("/json/check-value", test_check_value);
  g_test_add_func ("/json/round-trip-property", test_round_trip_property);
  g_test_add_func ("/json/round-trip-reproducers", test_round_trip_reproducers);
  g_test_add_func ("/json/write-strings", test_write_strings);
  g_test_add_func ("/json/canonical", test_canonical);
  g_test_add_func ("/json/same-tree-as-json-glib", test_same_tree_as_json_glib);

  return g_test_run ();
}
