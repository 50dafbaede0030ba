/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core/hostmem.h - the host memory a simulation uses: one counter of its big
 * allocations, checked against what the host can still give it, and the
 * probe of that headroom (cgroup v2 or v1 limit, MemAvailable, RLIMIT_AS and
 * RLIMIT_DATA, or NUMASIM_HOST_MEM_LIMIT for tests). docs/host-memory.md.
 *
 * The counter is charged where memory grows in proportion to the run: folio
 * slots as their host pages are first written (mem/page_alloc.c), page-table
 * pages (mem/pgtable.c), LRU rings (mem/lru.c), tasks, address spaces and
 * time-series samples (sim.c, mem/mm.c, mem/fork.c), and the transient
 * batches of munmap and move_pages. The simulation stops itself (sim_fail)
 * at its next slice once the counter passes its limit, rather than being
 * killed by the kernel's OOM killer with nothing written.
 */
#ifndef NUMASIM_CORE_HOSTMEM_H
#define NUMASIM_CORE_HOSTMEM_H

#include <stddef.h>

#include "core/array.h"
#include "core/compiler.h"

struct host_mem {
	uint64_t used;		/* bytes charged now */
	uint64_t peak;		/* the most ever charged at once */
	uint64_t slots;		/* part of @used inside reservations made up front (the folio array) */
	uint64_t limit;		/* resident bytes the run may take (UINT64_MAX: no limit) */
	uint64_t limit_va;	/* address space outside the reservations (UINT64_MAX: none) */
	char what[256];		/* where the limit comes from, for the message */
};

static inline void host_mem_charge(struct host_mem *h, uint64_t bytes)
{
	if (!h)
		return;
	h->used += bytes;
	if (h->used > h->peak)
		h->peak = h->used;
}

static inline void host_mem_uncharge(struct host_mem *h, uint64_t bytes)
{
	if (h)
		h->used -= MIN(bytes, h->used);
}

/* The growth of an array from @old_bytes to @new_bytes (either may be 0). */
static inline void host_mem_recharge(struct host_mem *h, uint64_t old_bytes, uint64_t new_bytes)
{
	host_mem_charge(h, new_bytes);
	host_mem_uncharge(h, old_bytes);
}

/* The run has taken more than it may: the caller stops it. */
static inline bool host_mem_over(const struct host_mem *h)
{
	return h->used > h->limit || h->used - h->slots > h->limit_va;
}

/*
 * What glibc's malloc takes from the host for a request of @n bytes: the
 * chunk (8 bytes of header, 16-byte aligned, at least 32), or whole pages
 * for requests at or above its mmap threshold (128 KiB by default).
 */
static inline uint64_t host_malloc_bytes(uint64_t n)
{
	if (n >= (128u << 10))
		return ALIGN_UP(n + 16, 4096);
	return MAX(32, ALIGN_UP(n + 8, 16));
}

/* ARRAY_GROW, with the array's growth charged to @h. */
#define ARRAY_GROW_CHARGED(h, arr, cap, nr, init)                                          \
	do {                                                                               \
		const uint64_t old_cap_ = (cap);                                           \
		ARRAY_GROW(arr, cap, nr, init);                                            \
		if ((uint64_t)(cap) != old_cap_)                                           \
			host_mem_recharge(h, old_cap_ ? host_malloc_bytes(old_cap_ * sizeof(*(arr))) : 0, \
					  host_malloc_bytes((uint64_t)(cap) * sizeof(*(arr)))); \
	} while (0)

/*
 * The size of the host pages that back the folio array, as a shift: the
 * base page, or 2 MiB when the host's THP is "always" (khugepaged would
 * back every 2 MiB with a written slot in it by a huge page).
 */
unsigned int host_page_shift(void);

/*
 * What this process may still take from the host: the tightest of the
 * limits found, with where it comes from (for the messages).
 */
struct host_avail {
	uint64_t rss;		/* resident bytes (UINT64_MAX: no limit found) */
	uint64_t va;		/* address-space bytes (RLIMIT_AS, RLIMIT_DATA) */
	char rss_what[256];	/* e.g. "the cgroup's memory.max (2048 MiB, 300 MiB in use)" */
	char va_what[128];
	bool check;		/* false: NUMASIM_HOST_MEM_CHECK=0, no refusal up front */
};

/*
 * host_mem_probe - fill @a from the files under @root ("" on a real host; a
 * test's folder holding proc/self/cgroup, proc/self/mountinfo, proc/meminfo
 * and the cgroup files under the mount points mountinfo names): the cgroup's
 * memory.max - memory.current (v2) or memory.limit_in_bytes -
 * memory.usage_in_bytes (v1), over the cgroup and its ancestors, with the
 * file cache it could reclaim counted as free; and MemAvailable.
 */
void host_mem_probe(const char *root, struct host_avail *a);

/* host_mem_probe("") plus RLIMIT_AS and RLIMIT_DATA (less what is mapped now)
 * and the environment: NUMASIM_HOST_MEM_LIMIT=SIZE (a test's limit, the
 * tightest of all) and NUMASIM_HOST_MEM_CHECK=0. Return 0, or -1 with a
 * message naming the variable if one is malformed. */
int host_mem_available(struct host_avail *a, char *err, size_t errlen);

#endif
