/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mem/vmscan.h - reclaim, which for anonymous memory without swap means
 * demotion to a slower memory tier (Linux mm/vmscan.c).
 */
#ifndef NUMASIM_MEM_VMSCAN_H
#define NUMASIM_MEM_VMSCAN_H

#include "core/compiler.h"
#include "mem/mempolicy.h"

struct sim;
struct cpu;

/* Reclaim state of one node: the CLOCK hand and kswapd's wakeup. */
struct node_reclaim {
	uint64_t clock_pfn;
	bool kswapd_queued;
};

/* can_demote(): demotion is enabled and @nid has a lower tier. */
bool can_demote(const struct sim *s, uint32_t nid);
/* wakeup_kswapd(): queue kswapd of @nid at @now unless it is balanced or
 * already woken. */
void wakeup_kswapd(struct sim *s, uint32_t nid, uint64_t now);
/* kswapd's run (an event): balance_pgdat() on the CPU it gets. */
void kswapd_run(struct sim *s, uint32_t nid, uint64_t now);
/* try_to_free_pages(): direct reclaim on behalf of an allocation on @cpu,
 * over the nodes of @nid's zonelist in @allowed; return pages reclaimed. */
uint64_t try_to_free_pages(struct sim *s, struct cpu *cpu, uint32_t nid, nodemask_t allowed);
/* The watermark kswapd balances @nid to: high, or promo when tiering. */
uint64_t kswapd_target(const struct sim *s, uint32_t nid);

#endif
