/*
 * Daemon process helpers for ixwatchd: privilege drop after the listeners are bound,
 * and the daemon's state as shown by "show status".
 */
#ifndef IXW_DAEMON_H
#define IXW_DAEMON_H

#include <sys/types.h>

struct daemon_ids {
	char	*user;		/* NULL: do not drop */
	uid_t	 uid;
	gid_t	 gid;
};

/*
 * Resolves the user (and group, NULL: the user's primary group) to drop to. Fills
 * ids->user NULL when there is nothing to drop (not root, or no user configured).
 * -1 with a message in err if the user or group does not exist.
 */
int	 daemon_ids_resolve(const char *user, const char *group, struct daemon_ids *,
	    char *err, size_t errlen);
/* Resolves a group name; -1 if unknown. */
int	 daemon_group_resolve(const char *group, gid_t *);
/* Drops to ids (setgroups, setgid, setuid) and checks root cannot be regained.
 * fatal() on any failure: it runs at start-up only. */
void	 daemon_priv_drop(const struct daemon_ids *);
void	 daemon_ids_free(struct daemon_ids *);

#endif /* IXW_DAEMON_H */
