/* test-timestamp.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <justsync/justsync.h>

/* 2006-01-02T15:04:05Z, the reference time of Go's layouts. */
#define REF G_GINT64_CONSTANT (1136214245000000)
#define HOUR (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define MINUTE (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)

static gint64
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  gint64 usec = -1;

  g_assert_true (just_sync_timestamp_parse (text, &usec, &error));
  g_assert_no_error (error);
  return usec;
}

static void
test_parse_forms (void)
{
  static const struct {
    const char *text;
    gint64 usec;
  } cases[] = {
    /* PocketBase */
    { "2006-01-02 15:04:05.000Z", REF },
    { "2006-01-02 15:04:05.123Z", REF + 123000 },
    /* RFC 3339 with 0 to 9 fraction digits */
    { "2006-01-02T15:04:05Z", REF },
    { "2006-01-02T15:04:05.1Z", REF + 100000 },
    { "2006-01-02T15:04:05.12Z", REF + 120000 },
    { "2006-01-02T15:04:05.123Z", REF + 123000 },
    { "2006-01-02T15:04:05.1234Z", REF + 123400 },
    { "2006-01-02T15:04:05.12345Z", REF + 123450 },
    { "2006-01-02T15:04:05.123456Z", REF + 123456 },
    { "2006-01-02T15:04:05.1234567Z", REF + 123456 },
    { "2006-01-02T15:04:05.12345678Z", REF + 123456 },
    { "2006-01-02T15:04:05.123456789Z", REF + 123456 },
    { "2006-01-02T15:04:05,5Z", REF + 500000 },
    { "2006-01-02T15:04:05.000001Z", REF + 1 },
    /* Offsets */
    { "2006-01-02T17:04:05+02:00", REF },
    { "2006-01-02T17:04:05+0200", REF },
    { "2006-01-02T17:04:05+02", REF },
    { "2006-01-02T09:34:05.5-05:30", REF + 500000 },
    { "2006-01-02T09:34:05.5-0530", REF + 500000 },
    { "2006-01-02T15:04:05+00:00", REF },
    { "2006-01-02T15:04:05-00:00", REF },
    { "2006-01-02T15:04:05.000+00:00", REF },
    { "2006-01-02t15:04:05z", REF },
    /* No zone: read as UTC */
    { "2006-01-02T15:04:05", REF },
    { "2006-01-02 15:04:05.250", REF + 250000 },
    /* Bounds */
    { "1970-01-01T00:00:00Z", 0 },
    { "1970-01-01T01:00:00+01:00", 0 },
    { "9999-12-31T23:59:59.999999Z", JUST_SYNC_TIMESTAMP_MAX },
    /* A leap second is the last microsecond of its minute. */
    { "2016-12-31T23:59:60Z", G_GINT64_CONSTANT (1483228799999999) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].text);
      g_assert_cmpint (parse_ok (cases[i].text), ==, cases[i].usec);
    }
}

static void
test_parse_leap_years (void)
{
  static const char *valid[] = {
    "2024-02-29T00:00:00Z", "2000-02-29T12:00:00Z", "1972-02-29T00:00:00Z",
    "2400-02-29T00:00:00Z", "2023-12-31T23:59:59Z", "2023-04-30T00:00:00Z",
  };
  static const char *invalid[] = {
    "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
    "2024-02-30T00:00:00Z", "2023-04-31T00:00:00Z", "2023-06-31T00:00:00Z",
  };

  g_assert_cmpint (parse_ok ("2024-02-29T00:00:00Z"), ==, G_GINT64_CONSTANT (1709164800000000));
  g_assert_cmpint (parse_ok ("2000-02-29T12:00:00Z"), ==, G_GINT64_CONSTANT (951825600000000));
  g_assert_cmpint (parse_ok ("2024-03-01T00:00:00Z") - parse_ok ("2024-02-28T00:00:00Z"), ==, 48 * HOUR);
  g_assert_cmpint (parse_ok ("2023-03-01T00:00:00Z") - parse_ok ("2023-02-28T00:00:00Z"), ==, 24 * HOUR);

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    parse_ok (valid[i]);

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 usec = 42;

      g_assert_false (just_sync_timestamp_parse (invalid[i], &usec, &error));
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      g_assert_cmpint (usec, ==, 42);
    }
}

static void
test_parse_range (void)
{
  static const char *outside[] = {
    "1969-12-31T23:59:59.999999Z",
    "1970-01-01T00:30:00+01:00",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:00:00-02:00",
  };

  for (guint i = 0; i < G_N_ELEMENTS (outside); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 usec = 42;

      g_assert_false (just_sync_timestamp_parse (outside[i], &usec, &error));
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, outside[i]));
      g_assert_cmpint (usec, ==, 42);
    }

  g_assert_false (just_sync_timestamp_is_valid (-1));
  g_assert_true (just_sync_timestamp_is_valid (0));
  g_assert_true (just_sync_timestamp_is_valid (JUST_SYNC_TIMESTAMP_MAX));
  g_assert_false (just_sync_timestamp_is_valid (JUST_SYNC_TIMESTAMP_MAX + 1));
  g_assert_false (just_sync_timestamp_is_valid (G_MININT64));
  g_assert_false (just_sync_timestamp_is_valid (G_MAXINT64));
}

static void
test_parse_malformed (void)
{
  static const char *malformed[] = {
    "", " ", "now", "2006", "2006-01-02", "2006-01-02T", "2006-01-02T15:04",
    "2006-01-02T15:04Z", "2006-1-02T15:04:05Z", "06-01-02T15:04:05Z", "2006/01/02T15:04:05Z",
    "2006-01-02x15:04:05Z", "2006-01-02T15:04:05.Z", "2006-01-02T15:04:05.", "2006-01-02T15:04:05Z ",
    " 2006-01-02T15:04:05Z", "2006-01-02T15:04:05ZZ", "2006-01-02T15:04:05Zjunk",
    "2006-01-02T15:04:05+2", "2006-01-02T15:04:05+02:0", "2006-01-02T15:04:05+020",
    "2006-01-02T15:04:05+02:00:00", "2006-01-02T15:04:05+24:00", "2006-01-02T15:04:05+02:60",
    "2006-01-02T15:04:05 Z", "2006-01-02T15:04:05UTC", "2006-13-02T15:04:05Z",
    "2006-00-02T15:04:05Z", "2006-01-00T15:04:05Z", "2006-01-32T15:04:05Z",
    "2006-01-02T24:00:00Z", "2006-01-02T15:60:00Z", "2006-01-02T15:04:61Z",
    "2006-01-02T-1:04:05Z", "abcd-ef-ghTij:kl:mnZ", "２００６-01-02T15:04:05Z",
    "2006-01-02T15:04:05\xff", "\xff\xfe", "2006-01-02T15:04:05.1e3Z",
  };

  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 usec = 42;

      g_autofree char *shown = g_strescape (malformed[i], NULL);

      g_test_message ("“%s”", shown);
      g_assert_false (just_sync_timestamp_parse (malformed[i], &usec, &error));
      g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
      g_assert_cmpint (usec, ==, 42);
    }
}

static void
test_format (void)
{
  gint64 usec = REF + 123456;
  g_autofree char *rfc3339 = just_sync_timestamp_format (usec, JUST_SYNC_TIMESTAMP_RFC3339);
  g_autofree char *millis = just_sync_timestamp_format (usec, JUST_SYNC_TIMESTAMP_RFC3339_MILLIS);
  g_autofree char *epoch = just_sync_timestamp_format (0, JUST_SYNC_TIMESTAMP_RFC3339_MILLIS);
  g_autofree char *max = just_sync_timestamp_format (JUST_SYNC_TIMESTAMP_MAX, JUST_SYNC_TIMESTAMP_RFC3339);

  g_assert_cmpstr (rfc3339, ==, "2006-01-02T15:04:05.123456Z");
  g_assert_cmpstr (millis, ==, "2006-01-02T15:04:05.123+00:00");
  g_assert_cmpstr (epoch, ==, "1970-01-01T00:00:00.000+00:00");
  g_assert_cmpstr (max, ==, "9999-12-31T23:59:59.999999Z");
}

/* Every format reads back: exactly with microseconds, truncated to the
 * millisecond otherwise. */
static void
test_round_trip (void)
{
  static const JustSyncTimestampFormat formats[] = {
    JUST_SYNC_TIMESTAMP_RFC3339,
    JUST_SYNC_TIMESTAMP_RFC3339_MILLIS,
  };
  gint64 samples[200] = { 0, 1, 999, 1000, REF, REF + 999999, JUST_SYNC_TIMESTAMP_MAX,
                          G_GINT64_CONSTANT (951782400000000) /* 2000-02-29 */,
                          G_GINT64_CONSTANT (4107542399999999) /* 2100-02-28T23:59:59.999999 */ };

  for (guint i = 9; i < G_N_ELEMENTS (samples); i++)
    samples[i] = (gint64) (g_test_rand_double () * (double) JUST_SYNC_TIMESTAMP_MAX);

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    for (guint j = 0; j < G_N_ELEMENTS (formats); j++)
      {
        g_autofree char *text = just_sync_timestamp_format (samples[i], formats[j]);
        gint64 expected = formats[j] == JUST_SYNC_TIMESTAMP_RFC3339
                          ? samples[i] : samples[i] / 1000 * 1000;

        g_assert_cmpint (parse_ok (text), ==, expected);
      }
}

/* The calendar arithmetic agrees with GDateTime's. */
static void
test_agrees_with_gdatetime (void)
{
  for (guint i = 0; i < 500; i++)
    {
      gint64 usec = (gint64) (g_test_rand_double () * (double) JUST_SYNC_TIMESTAMP_MAX);
      g_autoptr(GDateTime) dt = just_sync_timestamp_to_date_time (usec);
      g_autofree char *expected = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S.%fZ");
      g_autofree char *actual = just_sync_timestamp_format (usec, JUST_SYNC_TIMESTAMP_RFC3339);

      g_assert_cmpstr (actual, ==, expected);
      g_assert_cmpint (just_sync_timestamp_from_date_time (dt), ==, usec);
    }
}

static void
test_date_time (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (-5 * 3600);
  g_autoptr(GDateTime) local = g_date_time_new (zone, 2006, 1, 2, 10, 4, 5.25);
  g_autoptr(GDateTime) utc = just_sync_timestamp_to_date_time (REF + 250000);
  gint64 before = g_get_real_time ();
  gint64 now = just_sync_timestamp_now ();

  g_assert_cmpint (just_sync_timestamp_from_date_time (local), ==, REF + 250000);
  g_assert_cmpint (g_date_time_get_utc_offset (utc), ==, 0);
  g_assert_cmpint (g_date_time_get_microsecond (utc), ==, 250000);
  g_assert_true (g_date_time_equal (utc, local));
  g_assert_cmpint (now, >=, before);
  g_assert_true (just_sync_timestamp_is_valid (now));
}

/* Found by fuzz-timestamp: the message quoted invalid UTF-8 as it was. */
static void
test_parse_malformed_message (void)
{
  g_autoptr(GError) error = NULL;
  gint64 usec;

  g_assert_false (just_sync_timestamp_parse ("2023-11-14\xac\xcd\xcd\xbb" "13:20Z", &usec, &error));
  g_assert_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/timestamp/parse/forms", test_parse_forms);
  g_test_add_func ("/timestamp/parse/leap-years", test_parse_leap_years);
  g_test_add_func ("/timestamp/parse/range", test_parse_range);
  g_test_add_func ("/timestamp/parse/malformed", test_parse_malformed);
  g_test_add_func ("/timestamp/parse/malformed-message", test_parse_malformed_message);
  g_test_add_func ("/timestamp/format", test_format);
  g_test_add_func ("/timestamp/round-trip", test_round_trip);
  g_test_add_func ("/timestamp/agrees-with-gdatetime", test_agrees_with_gdatetime);
  g_test_add_func ("/timestamp/date-time", test_date_time);

  return g_test_run ();
}
