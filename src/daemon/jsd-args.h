/* jsd-args.h: checks of the arguments that come from the bus
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <justsync/justsync.h>

G_BEGIN_DECLS

/* The limits documented in data/org.justsync.Sync1.Store.xml. */
#define JSD_MAX_SCOPE_LENGTH   (256 * 1024)
#define JSD_MAX_ID_LENGTH      (256 * 1024)
#define JSD_MAX_PAYLOAD_LENGTH (1024 * 1024)
#define JSD_MAX_NAME_LENGTH    128
#define JSD_MAX_APP_ID_LENGTH  255
#define JSD_MAX_OPTION_LENGTH  (8 * 1024)
#define JSD_MAX_FIELD_NAMES    1024
#define JSD_MAX_FIELD_LENGTH   (8 * 1024)

JustSyncScope *jsd_args_parse_scope      (const char          *text,
                                          GError             **error);
gboolean       jsd_args_check_id         (const char          *id,
                                          GError             **error);
JsonObject    *jsd_args_parse_payload    (const char          *json,
                                          GError             **error);
gboolean       jsd_args_check_field_names (const char * const *names,
                                          GError             **error);
gboolean       jsd_args_check_store_name (const char          *name,
                                          GError             **error);
gboolean       jsd_args_check_app_id     (const char          *app_id,
                                          GError             **error);
gboolean       jsd_args_parse_policy     (const char          *text,
                                          JustSyncReadPolicy  *out_policy,
                                          GError             **error);
gboolean       jsd_args_lookup_option    (GVariant            *options,
                                          const char          *key,
                                          const GVariantType  *type,
                                          GVariant           **out_value,
                                          GError             **error);
gboolean       jsd_args_get_string_option (GVariant           *options,
                                          const char          *key,
                                          const char         **out_value,
                                          GError             **error);
gboolean       jsd_args_get_boolean_option (GVariant          *options,
                                          const char          *key,
                                          gboolean            *out_value,
                                          GError             **error);
gboolean       jsd_args_get_uint_option  (GVariant            *options,
                                          const char          *key,
                                          guint               *out_value,
                                          GError             **error);

G_END_DECLS
