/* justsync-version-macros.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(JUST_SYNC_INSIDE) && !defined(JUST_SYNC_COMPILATION)
# error "Only <justsync/justsync.h> can be included directly."
#endif

#include <glib.h>

#include "justsync-version.h"

#ifndef _JUST_SYNC_EXTERN
# define _JUST_SYNC_EXTERN __attribute__((visibility ("default"))) extern
#endif

#define JUST_SYNC_AVAILABLE_IN_ALL _JUST_SYNC_EXTERN
