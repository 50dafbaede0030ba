/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stats/vmstat.h - counters generated from the .def lists: event counters
 * (/proc/vmstat), per-size mTHP stats and per-node NUMA allocation stats.
 * Counting is a plain add: the model is single-threaded.
 */
#ifndef NUMASIM_STATS_VMSTAT_H
#define NUMASIM_STATS_VMSTAT_H

#include "core/compiler.h"
#include "machine/machine.h"
#include "mem/folio.h"

enum vm_event_item {
#define VM_EVENT(e, text, help) e,
#include "stats/vm_event.def"
#undef VM_EVENT
	NR_VM_EVENT_ITEMS
};

enum mthp_stat_item {
#define MTHP_STAT(e, text, help) e,
#include "stats/mthp_stat.def"
#undef MTHP_STAT
	NR_MTHP_STAT_ITEMS
};

enum numa_stat_item {
#define NUMA_STAT(e, text, help) e,
#include "stats/numa_stat.def"
#undef NUMA_STAT
	NR_NUMA_STAT_ITEMS
};

#define MTHP_MIN_ORDER 2	/* anonymous mTHP orders exclude 0 and 1 */

struct vmstat {
	uint64_t event[NR_VM_EVENT_ITEMS];
	uint64_t mthp[PMD_ORDER + 1][NR_MTHP_STAT_ITEMS];
	uint64_t numa[MAX_NUMNODES][NR_NUMA_STAT_ITEMS];
};

extern const char *const vm_event_text[NR_VM_EVENT_ITEMS];
extern const char *const vm_event_help[NR_VM_EVENT_ITEMS];
extern const char *const mthp_stat_text[NR_MTHP_STAT_ITEMS];
extern const char *const numa_stat_text[NR_NUMA_STAT_ITEMS];

static inline void count_vm_events(struct vmstat *vs, enum vm_event_item item, uint64_t n)
{
	vs->event[item] += n;
}

static inline void count_vm_event(struct vmstat *vs, enum vm_event_item item)
{
	vs->event[item]++;
}

static inline void count_mthp_stat(struct vmstat *vs, uint32_t order, enum mthp_stat_item item)
{
	if (order >= MTHP_MIN_ORDER && order <= PMD_ORDER)
		vs->mthp[order][item]++;
}

static inline void mod_mthp_stat(struct vmstat *vs, uint32_t order, enum mthp_stat_item item,
				 int64_t delta)
{
	if (order >= MTHP_MIN_ORDER && order <= PMD_ORDER)
		vs->mthp[order][item] = (uint64_t)((int64_t)vs->mthp[order][item] + delta);
}

/* "hugepages-64kB" for order 4. */
void mthp_size_name(uint32_t order, char *buf, size_t len);

#endif
