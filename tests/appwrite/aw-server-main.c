/* aw-server-main.c: the Appwrite contract server as a process, for the
 * tests of justsyncd and the justsync tool
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Prints the endpoint (ending in `/v1`) on a line, then reads commands
 * from standard input, one a line, until it closes:
 *
 *   revoke USER   deletes every session of USER, as the console does
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "aw-server.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AwServer) server = aw_server_new ();
  char line[256];

  printf ("%s\n", aw_server_get_endpoint (server));
  fflush (stdout);
  while (fgets (line, sizeof line, stdin) != NULL)
    {
      g_strchomp (line);
      if (g_str_has_prefix (line, "revoke "))
        printf ("revoked %u\n", aw_server_revoke_sessions (server, line + strlen ("revoke ")));
      else
        printf ("unknown command\n");
      fflush (stdout);
    }
  return 0;
}
