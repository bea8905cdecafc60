/* justsync-timestamp.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "justsync-error.h"
#include "justsync-timestamp.h"

#define USEC_PER_DAY (G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC)

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil), so parsing needs no time zone database.
 */
static gint64
days_from_civil (gint64 y,
                 guint  m,
                 guint  d)
{
  gint64 era;
  guint yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = (guint) (y - era * 400);
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (gint64) doe - 719468;
}

static void
civil_from_days (gint64  z,
                 gint64 *y,
                 guint  *m,
                 guint  *d)
{
  gint64 era;
  guint doe, yoe, doy, mp;

  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = (guint) (z - era * 146097);
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (gint64) yoe + era * 400 + (*m <= 2);
}

static gboolean
is_leap_year (gint64 y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static guint
days_in_month (gint64 y,
               guint  m)
{
  static const guint days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  return m == 2 && is_leap_year (y) ? 29 : days[m - 1];
}

static gboolean
read_digits (const char **p,
             guint        n,
             guint       *out)
{
  guint v = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      v = v * 10 + (guint) ((*p)[i] - '0');
    }
  *p += n;
  *out = v;
  return TRUE;
}

static gboolean
expect_char (const char **p,
             char         c)
{
  if (**p != c)
    return FALSE;
  (*p)++;
  return TRUE;
}

/**
 * just_sync_timestamp_parse:
 * @text: an ISO 8601 date and time
 * @out_usec: (out): return location for the time in microseconds since the
 *   Unix epoch, in UTC
 * @error: return location for an error
 *
 * Parses the date-time forms the backends use: RFC 3339 with a `T` or a
 * space between date and time, 0 to 9 fraction digits (digits past the
 * sixth are dropped), and `Z`, an offset (`+02:00`, `+0200`, `+02`) or,
 * as PocketBase's samples sometimes show, no zone at all (read as UTC).
 *
 * Returns: %TRUE on success; %FALSE with %JUST_SYNC_ERROR_INVALID_ARGUMENT
 *   for malformed text or a time before 1970 or after 9999
 */
gboolean
just_sync_timestamp_parse (const char  *text,
                           gint64      *out_usec,
                           GError     **error)
{
  const char *p = text;
  guint year, month, day, hour, minute, second, frac = 0, frac_digits = 0;
  gint64 offset = 0, usec;
  g_autofree char *shown = NULL;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out_usec != NULL, FALSE);

  if (!read_digits (&p, 4, &year) || !expect_char (&p, '-') ||
      !read_digits (&p, 2, &month) || !expect_char (&p, '-') ||
      !read_digits (&p, 2, &day))
    goto malformed;

  if (*p != 'T' && *p != 't' && *p != ' ')
    goto malformed;
  p++;

  if (!read_digits (&p, 2, &hour) || !expect_char (&p, ':') ||
      !read_digits (&p, 2, &minute) || !expect_char (&p, ':') ||
      !read_digits (&p, 2, &second))
    goto malformed;

  if (*p == '.' || *p == ',')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        goto malformed;
      for (; g_ascii_isdigit (*p); p++, frac_digits++)
        if (frac_digits < 6)
          frac = frac * 10 + (guint) (*p - '0');
      for (guint i = MIN (frac_digits, 6); i < 6; i++)
        frac *= 10;
    }

  if (*p == 'Z' || *p == 'z')
    p++;
  else if (*p == '+' || *p == '-')
    {
      int sign = *p == '-' ? -1 : 1;
      guint oh, om = 0;

      p++;
      if (!read_digits (&p, 2, &oh))
        goto malformed;
      if (*p == ':')
        {
          p++;
          if (!read_digits (&p, 2, &om))
            goto malformed;
        }
      else if (g_ascii_isdigit (*p) && !read_digits (&p, 2, &om))
        goto malformed;
      if (oh > 23 || om > 59)
        goto malformed;
      offset = sign * ((gint64) oh * 3600 + om * 60) * G_USEC_PER_SEC;
    }

  if (*p != '\0')
    goto malformed;

  if (month < 1 || month > 12 || day < 1 || day > days_in_month (year, month) ||
      hour > 23 || minute > 59 || second > 60)
    goto malformed;

  /* A leap second is read as the last microsecond of its minute. */
  usec = days_from_civil (year, month, day) * USEC_PER_DAY +
         ((gint64) hour * 3600 + minute * 60 + MIN (second, 59)) * G_USEC_PER_SEC +
         (second == 60 ? G_USEC_PER_SEC - 1 : frac) - offset;

  if (!just_sync_timestamp_is_valid (usec))
    {
      g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
                   _("The time “%s” is outside the supported range (1970 to 9999)"), text);
      return FALSE;
    }

  *out_usec = usec;
  return TRUE;

malformed:
  /* The text comes from a server or a client: quoted as valid UTF-8. */
  shown = g_utf8_make_valid (text, -1);
  g_set_error (error, JUST_SYNC_ERROR, JUST_SYNC_ERROR_INVALID_ARGUMENT,
               _("“%s” is not an ISO 8601 date and time"), shown);
  return FALSE;
}

/**
 * just_sync_timestamp_format:
 * @usec: a time in microseconds since the Unix epoch
 * @format: the form to write
 *
 * Formats a timestamp in UTC. Forms with milliseconds truncate the
 * microseconds, as the servers that use them do.
 *
 * Returns: (transfer full): the formatted time
 */
char *
just_sync_timestamp_format (gint64                  usec,
                            JustSyncTimestampFormat format)
{
  gint64 days, rem, y;
  guint m, d, secs;

  g_return_val_if_fail (just_sync_timestamp_is_valid (usec), NULL);

  days = usec / USEC_PER_DAY;
  rem = usec % USEC_PER_DAY;
  civil_from_days (days, &y, &m, &d);
  secs = (guint) (rem / G_USEC_PER_SEC);

  switch (format)
    {
    case JUST_SYNC_TIMESTAMP_RFC3339_MILLIS:
      return g_strdup_printf ("%04" G_GINT64_FORMAT "-%02u-%02uT%02u:%02u:%02u.%03u+00:00",
                              y, m, d, secs / 3600, secs / 60 % 60, secs % 60,
                              (guint) (rem % G_USEC_PER_SEC / 1000));
    case JUST_SYNC_TIMESTAMP_RFC3339:
    default:
      return g_strdup_printf ("%04" G_GINT64_FORMAT "-%02u-%02uT%02u:%02u:%02u.%06uZ",
                              y, m, d, secs / 3600, secs / 60 % 60, secs % 60,
                              (guint) (rem % G_USEC_PER_SEC));
    }
}

/**
 * just_sync_timestamp_is_valid:
 * @usec: a time in microseconds since the Unix epoch
 *
 * Tells whether @usec lies between the epoch and %JUST_SYNC_TIMESTAMP_MAX.
 *
 * Returns: %TRUE if JustSync accepts the timestamp
 */
gboolean
just_sync_timestamp_is_valid (gint64 usec)
{
  return usec >= 0 && usec <= JUST_SYNC_TIMESTAMP_MAX;
}

/**
 * just_sync_timestamp_to_date_time:
 * @usec: a valid timestamp
 *
 * Converts a timestamp to a #GDateTime in UTC.
 *
 * Returns: (transfer full): a new #GDateTime
 */
GDateTime *
just_sync_timestamp_to_date_time (gint64 usec)
{
  g_autoptr(GDateTime) seconds = NULL;

  g_return_val_if_fail (just_sync_timestamp_is_valid (usec), NULL);

  seconds = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  return g_date_time_add (seconds, usec % G_USEC_PER_SEC);
}

/**
 * just_sync_timestamp_from_date_time:
 * @date_time: a date and time in any time zone
 *
 * Converts a #GDateTime to a timestamp.
 *
 * Returns: microseconds since the Unix epoch
 */
gint64
just_sync_timestamp_from_date_time (GDateTime *date_time)
{
  g_return_val_if_fail (date_time != NULL, 0);

  return g_date_time_to_unix (date_time) * G_USEC_PER_SEC +
         g_date_time_get_microsecond (date_time);
}

/**
 * just_sync_timestamp_now:
 *
 * Returns the local wall-clock time. Changes made through a
 * [class@JustSync.Orchestrator] are stamped with its server-corrected clock
 * instead; see [method@JustSync.Orchestrator.now].
 *
 * Returns: microseconds since the Unix epoch
 */
gint64
just_sync_timestamp_now (void)
{
  return g_get_real_time ();
}
