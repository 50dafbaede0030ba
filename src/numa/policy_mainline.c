// SPDX-License-Identifier: GPL-2.0-only
/*
 * numa/policy_mainline.c - the mainline placement policy's ops table.
 *
 * The table is a file of its own because its hooks come from two places, as
 * in Linux: the hint-fault handlers are mm's (fault/memory.c do_numa_page,
 * fault/huge_memory.c do_huge_pmd_numa_page, which call down into the
 * scheduler's task_numa_fault), the rest is the scheduler's side
 * (numa/numa_balancing.c, kernel/sched/fair.c). Kept here, the table makes no
 * call edge from numa_balancing.c back up into fault/ (tools/check-cycles.sh).
 */
#include "fault/fault.h"
#include "numa/numa_balancing.h"
#include "numa/policy.h"

/* Mainline keeps no state of its own outside task_struct and mm_struct. */
static void mainline_init(struct sim *s)
{
	(void)s;
}

static void mainline_destroy(struct sim *s)
{
	(void)s;
}

/*
 * Mainline automatic NUMA balancing, both modes of kernel.numa_balancing:
 * NUMA_BALANCING_NORMAL (task_numa_work's scanner, the two-stage filter,
 * NUMA groups, task placement) and NUMA_BALANCING_MEMORY_TIERING (promotion
 * of hot slow-tier folios, should_promote()), which Linux chooses per folio
 * by the tier of its node inside the same hint fault, both at once in mode 3.
 */
const struct numa_policy_ops mainline_policy_ops = {
	.name = "mainline",
	.help = "Linux 6.10+ automatic NUMA balancing (kernel.numa_balancing: 1 normal, "
		"2 memory tiering, 3 both)",
	.in_mainline = true,
	.init = mainline_init,
	.destroy = mainline_destroy,
	.task_init = init_numa_balancing,
	.task_exit = numa_task_exit,
	.tick = task_tick_numa,
	.task_move = update_scan_period,
	.safe_point = numa_apply_pending_move,
	.pte_hint_fault = do_numa_page,
	.pmd_hint_fault = do_huge_pmd_numa_page,
};
