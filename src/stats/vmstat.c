// SPDX-License-Identifier: GPL-2.0-only
/* stats/vmstat.c - names of the counters, generated from the .def lists. */
#include <stdio.h>

#include "stats/vmstat.h"

const char *const vm_event_text[NR_VM_EVENT_ITEMS] = {
#define VM_EVENT(e, text, help) [e] = text,
#include "stats/vm_event.def"
#undef VM_EVENT
};

const char *const vm_event_help[NR_VM_EVENT_ITEMS] = {
#define VM_EVENT(e, text, help) [e] = help,
#include "stats/vm_event.def"
#undef VM_EVENT
};

const char *const mthp_stat_text[NR_MTHP_STAT_ITEMS] = {
#define MTHP_STAT(e, text, help) [e] = text,
#include "stats/mthp_stat.def"
#undef MTHP_STAT
};

const char *const numa_stat_text[NR_NUMA_STAT_ITEMS] = {
#define NUMA_STAT(e, text, help) [e] = text,
#include "stats/numa_stat.def"
#undef NUMA_STAT
};

void mthp_size_name(uint32_t order, char *buf, size_t len)
{
	snprintf(buf, len, "hugepages-%llukB", (unsigned long long)((PAGE_SIZE << order) / 1024));
}
