/* ixwatchd: placeholder main, replaced by the daemon skeleton (issue 2). */
#include <stdio.h>

#include "agent/log.h"

int
main(int argc, char **argv)
{
	log_init(1, 0, 0);
	log_info("%s %s", PACKAGE_NAME, PACKAGE_VERSION);
	return 0;
}
