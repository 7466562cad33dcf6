/*
 * Privilege drop for ixwatchd: listeners are bound as root, then the process becomes
 * the configured user for good (no saved set-user-ID left to regain root with).
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/daemon.h"
#include "agent/log.h"

int
daemon_group_resolve(const char *group, gid_t *gid)
{
	struct group	*gr;

	if ((gr = getgrnam(group)) == NULL)
		return -1;
	*gid = gr->gr_gid;
	return 0;
}

int
daemon_ids_resolve(const char *user, const char *group, struct daemon_ids *ids,
    char *err, size_t errlen)
{
	struct passwd	*pw;

	memset(ids, 0, sizeof(*ids));
	if (user == NULL || geteuid() != 0)
		return 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "user %s does not exist", user);
		return -1;
	}
	ids->uid = pw->pw_uid;
	ids->gid = pw->pw_gid;
	if (group != NULL && daemon_group_resolve(group, &ids->gid) == -1) {
		snprintf(err, errlen, "group %s does not exist", group);
		return -1;
	}
	if ((ids->user = strdup(user)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

void
daemon_priv_drop(const struct daemon_ids *ids)
{
	if (ids->user == NULL)
		return;
	if (setgroups(1, &ids->gid) == -1)
		fatal("setgroups");
	if (setresgid(ids->gid, ids->gid, ids->gid) == -1)
		fatal("setresgid %ld", (long)ids->gid);
	if (setresuid(ids->uid, ids->uid, ids->uid) == -1)
		fatal("setresuid %ld", (long)ids->uid);
	if (ids->uid != 0 && (setuid(0) != -1 || seteuid(0) != -1))
		fatalx("privilege drop to %s failed: root can be regained", ids->user);
	if (getuid() != ids->uid || geteuid() != ids->uid || getegid() != ids->gid)
		fatalx("privilege drop to %s failed", ids->user);
	log_info("running as user %s (uid %ld, gid %ld)", ids->user, (long)ids->uid,
	    (long)ids->gid);
}

void
daemon_ids_free(struct daemon_ids *ids)
{
	if (ids == NULL)
		return;
	free(ids->user);
	ids->user = NULL;
}
