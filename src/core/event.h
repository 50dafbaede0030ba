/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core/event.h - the timer queue: a binary min-heap ordered by (time, seq).
 * seq is a counter taken at insertion, so ties never depend on addresses or
 * hash order and every run fires events in the same order.
 */
#ifndef NUMASIM_CORE_EVENT_H
#define NUMASIM_CORE_EVENT_H

#include "core/compiler.h"

struct event {
	uint64_t time_ns;
	uint64_t seq;
	uint32_t type;		/* owner-defined */
	uint32_t arg;
};

struct event_queue {
	struct event *heap;
	uint32_t nr, cap;
	uint64_t next_seq;
};

void evq_init(struct event_queue *q);
void evq_destroy(struct event_queue *q);
void evq_push(struct event_queue *q, uint64_t time_ns, uint32_t type, uint32_t arg);
/* Remove and return the earliest event; the queue must not be empty. */
struct event evq_pop(struct event_queue *q);

static inline uint64_t evq_next_time(const struct event_queue *q)
{
	return q->nr ? q->heap[0].time_ns : UINT64_MAX;
}

#endif
