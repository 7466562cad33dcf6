/*
 * The JSON-lines alert output (alerts.json-file): one JSON object (RFC 8259) per
 * alert transition, one per line, flushed per line; the file is opened in append
 * mode and reopened on reload/SIGHUP, so logrotate can move it away.
 */
#ifndef IXW_OUTPUT_JSON_H
#define IXW_OUTPUT_JSON_H

#include "agent/alert.h"
#include "bgp/buf.h"

struct config;
struct json;

int	 output_json_start(const struct config *);
/* Reopens the file (possibly a new path). */
int	 output_json_reload(const struct config *);
void	 output_json_stop(void);
void	 output_json_alert(const struct alert *, enum alert_transition);
void	 output_json_status(struct json *);
/* The line written for one transition ('\n' included); now_ms is its "time". */
int	 output_json_format(struct wbuf *, const struct alert *, enum alert_transition,
	    uint64_t now_ms);

#endif /* IXW_OUTPUT_JSON_H */
