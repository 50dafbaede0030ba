// SPDX-License-Identifier: GPL-2.0-only
/* core/event.c - binary min-heap of timers keyed by (time, seq). */
#include <stdlib.h>

#include "core/array.h"
#include "core/debug.h"
#include "core/event.h"

static bool ev_before(const struct event *a, const struct event *b)
{
	if (a->time_ns != b->time_ns)
		return a->time_ns < b->time_ns;
	return a->seq < b->seq;
}

void evq_init(struct event_queue *q)
{
	q->heap = NULL;
	q->nr = q->cap = 0;
	q->next_seq = 0;
}

void evq_destroy(struct event_queue *q)
{
	free(q->heap);
	evq_init(q);
}

void evq_push(struct event_queue *q, uint64_t time_ns, uint32_t type, uint32_t arg)
{
	ARRAY_GROW(q->heap, q->cap, q->nr, 64);
	struct event ev = { time_ns, q->next_seq++, type, arg };
	uint32_t i = q->nr++;
	while (i > 0) {
		uint32_t parent = (i - 1) / 2;
		if (!ev_before(&ev, &q->heap[parent]))
			break;
		q->heap[i] = q->heap[parent];
		i = parent;
	}
	q->heap[i] = ev;
}

struct event evq_pop(struct event_queue *q)
{
	VM_BUG_ON(q->nr == 0);
	struct event top = q->heap[0];
	struct event last = q->heap[--q->nr];
	uint32_t i = 0;
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;
		const struct event *best = &last;
		if (l < q->nr && ev_before(&q->heap[l], best)) {
			m = l;
			best = &q->heap[l];
		}
		if (r < q->nr && ev_before(&q->heap[r], best))
			m = r;
		if (m == i)
			break;
		q->heap[i] = q->heap[m];
		i = m;
	}
	if (q->nr)
		q->heap[i] = last;
	return top;
}
