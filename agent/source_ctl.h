/*
 * Control commands over the source registry and the RIB: "show sources", "show
 * routes PREFIX [exact|longer|shorter]" and "show summary" (agent/control.h).
 */
#ifndef IXW_SOURCE_CTL_H
#define IXW_SOURCE_CTL_H

struct loop_module;

/* Registers the commands at bind time. */
extern struct loop_module source_ctl_module;

#endif /* IXW_SOURCE_CTL_H */
