/*
 * Detaching from the terminal in two steps, so that the command that started
 * ixwatchd returns only once the daemon is ready (pidfile written, sockets bound)
 * and returns non-zero if start-up failed: init systems and scripts can rely on the
 * pidfile and the control socket as soon as `ixwatchd` exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <paths.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent/daemon.h"
#include "agent/log.h"

static int	 ready_fd = -1;

/* The original process: wait for the ready byte (EOF without it: start-up failed). */
static void __attribute__((noreturn))
wait_ready(int fd)
{
	char	 c;
	ssize_t	 n;

	while ((n = read(fd, &c, 1)) == -1 && errno == EINTR)
		;
	if (n == 1 && c == 'R')
		_exit(0);
	fprintf(stderr, "ixwatchd: start-up failed, see the system log\n");
	_exit(1);
}

void
daemon_detach(void)
{
	int	 p[2];
	pid_t	 pid;

	if (pipe2(p, O_CLOEXEC) == -1)
		fatal("pipe");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid != 0) {
		close(p[1]);
		wait_ready(p[0]);
	}
	close(p[0]);
	if (setsid() == -1)
		fatal("setsid");
	/* a second fork: the daemon is no session leader and never gets a terminal */
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid != 0)
		_exit(0);
	if (chdir("/") == -1)
		fatal("chdir /");
	ready_fd = p[1];
}

void
daemon_ready(void)
{
	int	 fd;

	if (ready_fd == -1)
		return;
	if ((fd = open(_PATH_DEVNULL, O_RDWR)) != -1) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	if (write(ready_fd, "R", 1) != 1)
		log_warn("cannot tell the parent process that start-up is done");
	close(ready_fd);
	ready_fd = -1;
}
