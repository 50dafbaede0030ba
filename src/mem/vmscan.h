/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mem/vmscan.h - reclaim, which for anonymous memory without swap means
 * demotion to a slower memory tier (Linux mm/vmscan.c): the active and
 * inactive anonymous LRU lists, kswapd as a kernel thread and direct reclaim.
 */
#ifndef NUMASIM_MEM_VMSCAN_H
#define NUMASIM_MEM_VMSCAN_H

#include "core/compiler.h"
#include "mem/lru.h"
#include "mem/mempolicy.h"

struct sim;
struct cpu;
struct folio;

#define DEF_PRIORITY 12
#define SWAP_CLUSTER_MAX 32
#define MAX_RECLAIM_RETRIES 16

/* Linux struct scan_control, the part that matters without files and swap. */
struct scan_control {
	uint64_t nr_to_reclaim;
	uint64_t nr_scanned;		/* base pages shrink_folio_list() looked at */
	uint64_t nr_reclaimed;		/* base pages reclaimed (demoted) */
	int priority;			/* scan lru_size >> priority */
	uint32_t order;
	bool kswapd;			/* current_is_kswapd() */
	bool may_deactivate_anon;	/* DEACTIVATE_ANON */
	bool force_deactivate, skipped_deactivate, file_is_tiny;
	/* shrink_lruvec() under way: what get_scan_count() left to scan */
	uint64_t nr[NR_LRU_LISTS];
	uint64_t lruvec_reclaimed;
	bool proportional_reclaim;
};

enum kswapd_state {
	KSWAPD_SLEEPING,	/* schedule() in kswapd_try_to_sleep(): a wakeup starts it */
	KSWAPD_SHORT_SLEEP,	/* the HZ/10 sleep first: a wakeup cuts it short */
	KSWAPD_RUNNING,		/* in balance_pgdat(): wakeups only raise the order */
};

/* Where a running balance_pgdat() goes on at its next step. */
enum kswapd_step { BP_PASS, BP_LRUVEC, BP_LRUVEC_END };

/* Reclaim state of one node (Linux pg_data_t's reclaim fields and its kswapd). */
struct node_reclaim {
	struct lruvec *lruvec;		/* NULL where reclaim cannot act: no LRU kept */
	uint32_t kswapd_failures;	/* balance_pgdat() runs that reclaimed nothing */
	uint32_t kswapd_order;		/* highest order a waker asked for */
	uint32_t alloc_order;		/* the order balance_pgdat() was started for */
	uint32_t sleep_order;		/* the order kswapd_try_to_sleep() checks */
	enum kswapd_state state;
	uint32_t gen;			/* matches the one pending EV_KSWAPD of this node */
	enum kswapd_step step;
	struct scan_control sc;		/* balance_pgdat()'s, between steps */
	uint64_t pass_reclaimed;	/* sc.nr_reclaimed when this priority pass began */
};

/* EV_KSWAPD's arg: the node, and the generation the event was queued with
 * (an event whose generation is no longer the node's was superseded). */
#define KSWAPD_NID_BITS 8
#define KSWAPD_GEN_MASK ((1u << (32 - KSWAPD_NID_BITS)) - 1)
static inline uint32_t kswapd_event_nid(uint32_t arg)
{
	return arg & ((1u << KSWAPD_NID_BITS) - 1);
}
static inline uint32_t kswapd_event_gen(uint32_t arg)
{
	return arg >> KSWAPD_NID_BITS;
}

/* Set up the LRU of every node reclaim can act on, and kswapd asleep. */
void vmscan_init(struct sim *s);
void vmscan_destroy(struct sim *s);

/* can_demote(): demotion is enabled and @nid has a lower tier. */
bool can_demote(const struct sim *s, uint32_t nid);
/* The watermark kswapd balances @nid to: high, or promo when tiering. */
uint64_t kswapd_target(const struct sim *s, uint32_t nid);

/* folio_add_lru(): a new or put-back folio joins its node's LRU (the
 * inactive list unless PG_active), if the node keeps one. */
void folio_add_lru(struct sim *s, struct folio *f);
/* folio_isolate_lru(): take @f off its LRU; false if it was on none. */
bool folio_isolate_lru(struct sim *s, struct folio *f);
/* The last reference went (Linux __page_cache_release()): off the LRU. */
static inline void folio_release_lru(struct sim *s, struct folio *f)
{
	(void)folio_isolate_lru(s, f);
}

/* wakeup_kswapd(): wake @nid's kswapd for an allocation of @order at @now,
 * unless it is running, hopeless or the node is balanced. */
void wakeup_kswapd(struct sim *s, uint32_t nid, uint32_t order, uint64_t now);
/* EV_KSWAPD: kswapd of the node in @arg does its next step at @now. */
void kswapd_event(struct sim *s, uint32_t arg, uint64_t now);
/* try_to_free_pages(): direct reclaim on behalf of an allocation on @cpu,
 * over the nodes of @nid's zonelist in @allowed; return pages reclaimed. */
uint64_t try_to_free_pages(struct sim *s, struct cpu *cpu, uint32_t nid, nodemask_t allowed);

/* reclaim_pages(): MADV_PAGEOUT's reclaim of isolated @folios, without
 * demotion (so, without swap, each is activated and put back; a large one
 * split); return pages reclaimed. */
uint64_t reclaim_pages(struct sim *s, struct cpu *cpu, struct folio **folios, uint32_t n);
/* folio_deactivate(): MADV_COLD: an active folio on an LRU moves to the
 * inactive list (pgdeactivate). */
void folio_deactivate(struct sim *s, struct folio *f);

/* Validator: every node's LRU lists (lru_check()). */
void vmscan_check(struct sim *s);

#endif
