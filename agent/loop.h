/*
 * The event loop: the only owner of the libevent event_base. Modules get fd events,
 * timers and deferred calls through this API and plug into start-up, reload and
 * shutdown through a module table, so none of them touches libevent's base.
 *
 * Start-up order (ixwatchd.c): loop_init() after daemonizing; loop_modules_bind() while
 * still root (listening sockets: control socket, BMP, BGP); privileges dropped;
 * loop_modules_start() (outbound connections, timers); loop_run(). SIGHUP calls the
 * reload hook (loop_on_sighup), SIGTERM/SIGINT end loop_run(), SIGPIPE is ignored.
 * After loop_run() returns, loop_modules_stop() runs the stop hooks in reverse order.
 */
#ifndef IXW_LOOP_H
#define IXW_LOOP_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/time.h>

struct config;
struct json;
struct loop_event;

/* Event flags (what the callback gets in `what`). */
#define LOOP_READ	0x01
#define LOOP_WRITE	0x02
#define LOOP_PERSIST	0x04	/* stays armed after firing */
#define LOOP_TIMEOUT	0x08	/* only in `what`: the timeout fired */

typedef void	(*loop_cb)(int fd, short what, void *arg);
typedef void	(*loop_defer_cb)(void *arg);

int	 loop_init(void);		/* -1 on failure (logged) */
int	 loop_run(void);		/* until loop_exit() or SIGTERM/SIGINT */
void	 loop_exit(void);
void	 loop_free(void);
/* Seconds since the epoch, cached per loop iteration. */
time_t	 loop_now(void);

/* fd events (fd -1 with flags 0 for a pure timer). Not armed until loop_event_add(). */
struct loop_event *loop_event_new(int fd, short flags, loop_cb, void *arg);
/* Arms the event; timeout NULL waits forever. */
int	 loop_event_add(struct loop_event *, const struct timeval *timeout);
void	 loop_event_del(struct loop_event *);
int	 loop_event_pending(const struct loop_event *);
void	 loop_event_free(struct loop_event *);	/* NULL-safe, deletes first */

/* Timers: loop_timer_new() then loop_timer_add(ev, ms); re-add to repeat. */
struct loop_event *loop_timer_new(loop_cb, void *arg);
int	 loop_timer_add(struct loop_event *, unsigned long ms);

/* Runs cb(arg) once from the loop, after the current callback returns. */
int	 loop_defer(loop_defer_cb, void *arg);

/*
 * Name resolution off the loop: getaddrinfo(3) (which may wait for a DNS server
 * for half a minute) runs on a thread of its own; cb gets the first address
 * (err 0) or an EAI_* error on the loop thread. loop_resolve_cancel(), on the
 * loop thread before cb ran, makes sure it never runs. NULL: none started.
 */
struct loop_resolve;
typedef void	(*loop_resolve_cb)(int err, const struct sockaddr *, socklen_t, void *arg);
struct loop_resolve *loop_resolve(const char *host, const char *port, int socktype,
		    loop_resolve_cb, void *arg);
void	 loop_resolve_cancel(struct loop_resolve *);	/* NULL-safe */

/*
 * TCP keepalives on a socket read on the loop: idle seconds before the first
 * probe, then cnt probes intvl seconds apart (where the system has the options).
 * -1 if SO_KEEPALIVE is refused.
 */
int	 loop_sock_keepalive(int fd, int idle, int intvl, int cnt);

/* SIGHUP handler (the daemon's reload). */
void	 loop_on_sighup(void (*)(void));

/*
 * Module table. Every hook is optional; hooks returning int fail with -1 (logged by
 * the module). bind runs as root before privileges are dropped (open listeners there);
 * start runs after the drop; reload gets the new config after it was checked and
 * swapped (old is still valid during the call and freed afterwards); stop on shutdown;
 * status adds the module's state to "show status" (inside an object named after it).
 */
struct loop_module {
	const char	*name;
	int		(*bind)(const struct config *);
	int		(*start)(const struct config *);
	int		(*reload)(const struct config *newconf, const struct config *old);
	void		(*stop)(void);
	void		(*status)(struct json *);
	TAILQ_ENTRY(loop_module) entry;
};

void	 loop_module_register(struct loop_module *);
int	 loop_modules_bind(const struct config *);
int	 loop_modules_start(const struct config *);
/* Runs every reload hook; returns -1 if one failed (the others still run). */
int	 loop_modules_reload(const struct config *newconf, const struct config *old);
void	 loop_modules_stop(void);
/* Adds one object per module with a status hook, named after the module. */
void	 loop_modules_status(struct json *);

#endif /* IXW_LOOP_H */
