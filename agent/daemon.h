/*
 * Daemon process helpers for ixwatchd: privilege drop after the listeners are bound,
 * and detaching from the terminal once start-up succeeded.
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

/*
 * Detaches (fork, setsid, fork, chdir /). The starting process waits and exits 0
 * once daemon_ready() is called, 1 if the daemon dies before; only the daemon
 * returns. daemon_ready() also points stdin/out/err to /dev/null.
 */
void	 daemon_detach(void);
void	 daemon_ready(void);

#endif /* IXW_DAEMON_H */
