// SPDX-License-Identifier: GPL-2.0-only
/*
 * stats/procfs.c - numastat, /proc/PID/numa_maps and /proc/PID/sched as the
 * kernel and numactl's numastat print them, from the state a run ends in.
 *
 * Models:     Linux fs/proc/task_mmu.c show_numa_map() and gather_stats();
 *             mm/mempolicy.c mpol_to_str(); kernel/sched/debug.c
 *             proc_sched_show_task() and print_numa_stats(); kernel/sched/
 *             fair.c show_numa_stats(); drivers/base/node.c
 *             node_read_meminfo() and node_read_numastat(); numactl's
 *             numastat.c (its vtab layout: a 16-column label, 16-column
 *             right-justified data cells with a one-blank gutter).
 * SIMPLIFIED: numastat's tables are never folded at a screen width (as
 *             numastat does when stdout is not a terminal); device-private
 *             nodes are left out, as Linux has no NUMA node for such memory;
 *             rows of kernel memory the model does not keep (slab, kernel
 *             stacks, page tables) are left out of numastat -m.
 */
#include <string.h>

#include "mem/exec.h"
#include "sim.h"
#include "stats/procfs.h"

#define NUMASTAT_WIDTH 16	/* numastat.c: set_col_width(..., 16) */
#define MB (1024.0 * 1024.0)
#define TASK_COMM_LEN 16

/* ---- numastat's table cells ---- */

static void cell(FILE *out, const char *text, int width, bool left)
{
	int len = (int)strlen(text);
	if (len > width)
		len = width;	/* fmt_cell_data() cuts a cell to its width */
	fprintf(out, left ? "%-*.*s" : "%*.*s", width, len, text);
}

/* A CELL_TYPE_REPCHAR cell: width - 1 dashes, justified like the column. */
static void dashes(FILE *out, int width, bool left)
{
	char buf[64];
	int n = width - 1 < (int)sizeof(buf) - 1 ? width - 1 : (int)sizeof(buf) - 1;
	memset(buf, '-', (size_t)n);
	buf[n] = 0;
	cell(out, buf, width, left);
}

static void mb_cell(FILE *out, double mb)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%.2f", mb);
	cell(out, buf, NUMASTAT_WIDTH, false);
}

/* Linux N_MEMORY: nodes with memory the CPUs address (not device-private). */
static bool node_has_memory(const struct sim *s, uint32_t n)
{
	return s->m.node[n].kind != MEM_DEVICE && s->pm.node[n].node_present_pages;
}

/* A line of dashes under every column, the label cell of @lw blank unless @label_dashes. */
static void dash_row(const struct sim *s, FILE *out, int lw, bool label_dashes)
{
	if (label_dashes)
		dashes(out, lw, true);
	else
		cell(out, "", lw, true);
	for (uint32_t n = 0; n <= s->m.nr_nodes; n++)
		if (n == s->m.nr_nodes || node_has_memory(s, n))
			dashes(out, NUMASTAT_WIDTH, false);
	fputc('\n', out);
}

/* "Node 0 ... Node N  Total" and the dashes under them, after a label cell of @lw. */
static void node_header(const struct sim *s, FILE *out, int lw, const char *label,
			bool label_dashes)
{
	char buf[32];
	cell(out, label, lw, true);
	for (uint32_t n = 0; n < s->m.nr_nodes; n++)
		if (node_has_memory(s, n)) {
			snprintf(buf, sizeof(buf), "Node %u", n);
			cell(out, buf, NUMASTAT_WIDTH, false);
		}
	cell(out, "Total", NUMASTAT_WIDTH, false);
	fputc('\n', out);
	dash_row(s, out, lw, label_dashes);
}

/* A row of per-node values in pages, shown in MB with a Total column. */
static void mb_row(const struct sim *s, FILE *out, int lw, const char *label, const uint64_t *pages)
{
	uint64_t total = 0;
	cell(out, label, lw, true);
	for (uint32_t n = 0; n < s->m.nr_nodes; n++)
		if (node_has_memory(s, n)) {
			mb_cell(out, (double)pages[n] * PAGE_SIZE / MB);
			total += pages[n];
		}
	mb_cell(out, (double)total * PAGE_SIZE / MB);
	fputc('\n', out);
}

/* ---- /proc/PID/numa_maps ---- */

/* struct numa_maps of fs/proc/task_mmu.c */
struct numa_maps {
	uint64_t pages, anon, active, mapcount_max, dirty;
	uint64_t node[MAX_NUMNODES];
};

/* gather_stats() for @nr pages of folio @f mapped with the given page's mapcount. */
static void gather_stats(const struct folio *f, int32_t mapcount, bool dirty, uint64_t nr,
			 struct numa_maps *md)
{
	md->pages += nr;
	if (dirty)	/* anonymous folios have no PG_dirty here: the entry's bit */
		md->dirty += nr;
	if (folio_test(f, PG_active))
		md->active += nr;
	if (folio_test(f, PG_anon))
		md->anon += nr;
	if ((uint64_t)mapcount > md->mapcount_max)
		md->mapcount_max = (uint64_t)mapcount;
	md->node[folio_nid(f)] += nr;
}

/* can_gather_numa_stats(): a present entry of a normal page on a memory node
 * (not the zero page, which vm_normal_page() refuses, nor device memory). */
static const struct folio *numa_stats_folio(const struct sim *s, uint64_t pfn)
{
	const struct folio *f = pfn_folio(&s->pm, pfn);
	if (folio_test(f, PG_tail))
		f = pfn_folio(&s->pm, f->head_pfn);
	if (folio_test(f, PG_zero) || folio_test(f, PG_device) || !node_has_memory(s, folio_nid(f)))
		return NULL;
	return f;
}

/* gather_pte_stats() over one PMD's part [addr, end) of a VMA. */
static void gather_pmd(const struct sim *s, const struct pmd_slot *slot, uint64_t addr,
		       uint64_t end, struct numa_maps *md)
{
	if (slot->pmd.val) {	/* a PMD mapping: one huge entry */
		const struct folio *f;
		if (pmd_present(slot->pmd) && !pmd_special(slot->pmd) &&
		    (f = numa_stats_folio(s, pmd_pfn(slot->pmd))))
			gather_stats(f, f->mapcount + folio_entire_mapcount(f), pmd_dirty(slot->pmd),
				     PTRS_PER_PTE, md);
		return;
	}
	if (!slot->pt)
		return;
	for (; addr < end; addr += PAGE_SIZE) {
		pte_t pte = slot->pt->pte[pte_index(addr)];
		if (!pte_present(pte) || pte_special(pte) || is_migration_entry(pte))
			continue;
		const struct folio *f = numa_stats_folio(s, pte_pfn(pte));
		if (f)	/* folio_precise_page_mapcount(): this page's own mappings */
			gather_stats(f, pfn_folio(&s->pm, pte_pfn(pte))->mapcount +
				     folio_entire_mapcount(f), pte_dirty(pte), 1, md);
	}
}

static void gather_vma(const struct sim *s, const struct mm_struct *mm,
		       const struct vm_area_struct *vma, struct numa_maps *md)
{
	memset(md, 0, sizeof(*md));
	for (uint64_t addr = vma->vm_start; addr < vma->vm_end;) {
		uint64_t next = MIN(ALIGN_DOWN(addr, PMD_SIZE) + PMD_SIZE, vma->vm_end);
		const struct pmd_slot *slot = pmd_slot_lookup(&mm->pgd, addr);
		if (slot)
			gather_pmd(s, slot, addr, next, md);
		addr = next;
	}
}

/* "%*pbl" of a nodemask: "0-1,3". */
static void nodelist_str(nodemask_t mask, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = 0;
	for (uint32_t n = 0; n < 64 && used < len; n++) {
		if (!(mask >> n & 1) || (n && mask >> (n - 1) & 1))
			continue;
		uint32_t last = n;
		while (last + 1 < 64 && mask >> (last + 1) & 1)
			last++;
		int w = last == n ? snprintf(buf + used, len - used, "%s%u", used ? "," : "", n)
				  : snprintf(buf + used, len - used, "%s%u-%u", used ? "," : "", n, last);
		used += w > 0 ? (size_t)w : 0;
	}
}

/* mpol_to_str(): "default", "bind:0-1", "interleave=static:0,2", ... */
static void mpol_str(const struct mempolicy *pol, char *buf, size_t len)
{
	static const char *const modes[NR_MPOL_MODES] = {
		[MPOL_DEFAULT] = "default", [MPOL_PREFERRED] = "prefer", [MPOL_BIND] = "bind",
		[MPOL_INTERLEAVE] = "interleave", [MPOL_LOCAL] = "local",
		[MPOL_PREFERRED_MANY] = "prefer (many)",
		[MPOL_WEIGHTED_INTERLEAVE] = "weighted interleave",
	};
	bool nodes = pol->mode != MPOL_DEFAULT && pol->mode != MPOL_LOCAL;
	char flags[32] = "", list[128] = "";
	if (pol->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING))
		snprintf(flags, sizeof(flags), "=%s%s%s",
			 pol->flags & MPOL_F_STATIC_NODES ? "static" :
			 pol->flags & MPOL_F_RELATIVE_NODES ? "relative" : "",
			 pol->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES) &&
			 pol->flags & MPOL_F_NUMA_BALANCING ? "|" : "",
			 pol->flags & MPOL_F_NUMA_BALANCING ? "balancing" : "");
	if (nodes && pol->nodes)
		nodelist_str(pol->nodes, list, sizeof(list));
	snprintf(buf, len, "%s%s%s%s", modes[pol->mode], flags, list[0] ? ":" : "", list);
}

/* vma_is_initial_stack(): the main thread's stack exec laid out. */
static bool vma_is_initial_stack(const struct mm_struct *mm, const struct vm_area_struct *vma)
{
	return mm->stack_vm_start && vma->vm_start <= mm->stack_vm_start &&
	       vma->vm_end > mm->stack_vm_start;
}

static const char *comm(const struct sim *s)
{
	return s->wl->name[0] ? s->wl->name : "numasim";
}

static const struct task *find_task(const struct sim *s, uint32_t pid)
{
	return pid < s->nr_tasks ? s->tasks[pid] : NULL;
}

/* The first task of process @proc: the pid numastat -p names it by. */
static const struct task *process_leader(const struct sim *s, uint32_t proc)
{
	for (uint32_t i = 0; i < s->nr_tasks; i++)
		if (s->tasks[i]->proc == proc)
			return s->tasks[i];
	return NULL;
}

static void numa_map_line(const struct sim *s, const struct task *t, const struct vm_area_struct *vma,
			  FILE *out)
{
	char pol[192];
	struct numa_maps md;
	const struct mm_struct *mm = t->mm;
	/* __get_vma_policy(), else the task's policy as hold_task_mempolicy() took it */
	mpol_str(vma->vm_flags & VM_HAS_POLICY ? &vma->pol : &t->pol, pol, sizeof(pol));
	fprintf(out, "%08llx %s", (unsigned long long)vma->vm_start, pol);
	if (vma->vm_flags & VM_FILE)
		fprintf(out, " file=/usr/bin/%.*s", TASK_COMM_LEN - 1, comm(s));
	else if (exec_vma_is_heap(s, vma))
		fputs(" heap", out);
	else if (vma_is_initial_stack(mm, vma))
		fputs(" stack", out);
	gather_vma(s, mm, vma, &md);
	if (md.pages) {
		if (md.anon)
			fprintf(out, " anon=%llu", (unsigned long long)md.anon);
		if (md.dirty)
			fprintf(out, " dirty=%llu", (unsigned long long)md.dirty);
		if (md.pages != md.anon && md.pages != md.dirty)
			fprintf(out, " mapped=%llu", (unsigned long long)md.pages);
		if (md.mapcount_max > 1)
			fprintf(out, " mapmax=%llu", (unsigned long long)md.mapcount_max);
		if (md.active < md.pages)
			fprintf(out, " active=%llu", (unsigned long long)md.active);
		for (uint32_t n = 0; n < s->m.nr_nodes; n++)
			if (md.node[n] && node_has_memory(s, n))
				fprintf(out, " N%u=%llu", n, (unsigned long long)md.node[n]);
		fprintf(out, " kernelpagesize_kB=%llu", (unsigned long long)(PAGE_SIZE >> 10));
	}
	fputc('\n', out);
}

int procfs_numa_maps(const struct sim *s, uint32_t pid, FILE *out)
{
	const struct task *t = find_task(s, pid);
	if (!t)
		return -1;
	for (uint32_t i = 0; i < t->mm->nr_vmas; i++)
		numa_map_line(s, t, &t->mm->vmas[i], out);
	return 0;
}

/* ---- numastat -p ---- */

enum { PROC_HUGE, PROC_HEAP, PROC_STACK, PROC_PRIVATE, NR_PROC_ROWS };

/* What numastat adds up from /proc/PID/numa_maps, by row and node (pages).
 * Huge stays 0: "huge" marks hugetlbfs mappings, which the model has none of. */
static void process_pages(const struct sim *s, const struct task *t,
			  uint64_t pages[NR_PROC_ROWS][MAX_NUMNODES])
{
	memset(pages, 0, sizeof(uint64_t) * NR_PROC_ROWS * MAX_NUMNODES);
	for (uint32_t i = 0; i < t->mm->nr_vmas; i++) {
		const struct vm_area_struct *vma = &t->mm->vmas[i];
		struct numa_maps md;
		int row = vma->vm_flags & VM_FILE ? PROC_PRIVATE :
			  exec_vma_is_heap(s, vma) ? PROC_HEAP :
			  vma_is_initial_stack(t->mm, vma) ? PROC_STACK : PROC_PRIVATE;
		gather_vma(s, t->mm, vma, &md);
		for (uint32_t n = 0; n < s->m.nr_nodes; n++)
			pages[row][n] += md.node[n];
	}
}

/* show_process_info() with one PID: its rows by kind, then Total. */
static void numastat_one_process(const struct sim *s, const struct task *t, FILE *out)
{
	static const char *const labels[NR_PROC_ROWS] = { "Huge", "Heap", "Stack", "Private" };
	const int lw = NUMASTAT_WIDTH + 1;	/* auto_set_col_width(table, 0, 16, 24) */
	uint64_t pages[NR_PROC_ROWS][MAX_NUMNODES], total[MAX_NUMNODES] = { 0 };
	process_pages(s, t, pages);
	fprintf(out, "\nPer-node process memory usage (in MBs) for PID %u (%.*s)\n", t->pid,
		TASK_COMM_LEN - 1, comm(s));
	node_header(s, out, lw, "", false);
	for (int r = 0; r < NR_PROC_ROWS; r++) {
		mb_row(s, out, lw, labels[r], pages[r]);
		for (uint32_t n = 0; n < s->m.nr_nodes; n++)
			total[n] += pages[r][n];
	}
	dash_row(s, out, lw, true);
	mb_row(s, out, lw, "Total", total);
}

/* show_process_info() with several PIDs: a "PID (comm)" row each, then Total. */
static void numastat_processes(const struct sim *s, FILE *out)
{
	uint64_t total[MAX_NUMNODES] = { 0 };
	char label[64];
	int lw = NUMASTAT_WIDTH;
	for (uint32_t p = 0; p < s->nr_mms; p++) {
		const struct task *t = process_leader(s, p);
		if (t)
			lw = MAX(lw, snprintf(label, sizeof(label), "%u (%.*s)", t->pid,
					      TASK_COMM_LEN - 1, comm(s)));
	}
	lw = MIN(lw + 1, 24);
	fprintf(out, "\nPer-node process memory usage (in MBs)\n");
	node_header(s, out, lw, "PID", true);
	for (uint32_t p = 0; p < s->nr_mms; p++) {
		const struct task *t = process_leader(s, p);
		uint64_t pages[NR_PROC_ROWS][MAX_NUMNODES], sum[MAX_NUMNODES] = { 0 };
		if (!t)
			continue;
		process_pages(s, t, pages);
		for (int r = 0; r < NR_PROC_ROWS; r++)
			for (uint32_t n = 0; n < s->m.nr_nodes; n++)
				sum[n] += pages[r][n];
		for (uint32_t n = 0; n < s->m.nr_nodes; n++)
			total[n] += sum[n];
		snprintf(label, sizeof(label), "%u (%.*s)", t->pid, TASK_COMM_LEN - 1, comm(s));
		mb_row(s, out, lw, label, sum);
	}
	dash_row(s, out, lw, true);
	mb_row(s, out, lw, "Total", total);
}

/* ---- numastat -m ---- */

/* The node_read_meminfo() rows the model keeps, in the kernel's order. Rows
 * of things the model has none of (page cache, hugetlbfs, swap, mlock) are
 * kept, as 0; kernel memory it does not keep (slab, stacks, page tables) is
 * left out. */
enum meminfo_row {
	MI_MEMTOTAL, MI_MEMFREE, MI_MEMUSED, MI_SWAPCACHED, MI_ACTIVE, MI_INACTIVE,
	MI_ACTIVE_ANON, MI_INACTIVE_ANON, MI_ACTIVE_FILE, MI_INACTIVE_FILE, MI_UNEVICTABLE,
	MI_MLOCKED, MI_DIRTY, MI_WRITEBACK, MI_FILEPAGES, MI_MAPPED, MI_ANONPAGES, MI_SHMEM,
	MI_ANONHUGEPAGES, MI_SHMEMHUGEPAGES, MI_SHMEMPMDMAPPED, MI_FILEHUGEPAGES,
	MI_FILEPMDMAPPED, MI_HUGEPAGES_TOTAL, MI_HUGEPAGES_FREE, MI_HUGEPAGES_SURP,
	NR_MEMINFO_ROWS
};

static const char *const meminfo_names[NR_MEMINFO_ROWS] = {
	"MemTotal", "MemFree", "MemUsed", "SwapCached", "Active", "Inactive", "Active(anon)",
	"Inactive(anon)", "Active(file)", "Inactive(file)", "Unevictable", "Mlocked", "Dirty",
	"Writeback", "FilePages", "Mapped", "AnonPages", "Shmem", "AnonHugePages",
	"ShmemHugePages", "ShmemPmdMapped", "FileHugePages", "FilePmdMapped", "HugePages_Total",
	"HugePages_Free", "HugePages_Surp",
};

/* The anonymous folios of node @n: the LRU lists (where the model keeps
 * them, else where Linux would have them: new anonymous folios start
 * inactive and only reclaim activates them), NR_ANON_MAPPED, NR_ANON_THPS. */
static void node_anon(const struct sim *s, uint32_t n, uint64_t rows[NR_MEMINFO_ROWS])
{
	const struct pglist_data *pg = &s->pm.node[n];
	bool lru_kept = s->reclaim[n].lruvec != NULL;
	for (uint64_t pfn = pg->node_start_pfn; pfn < pg->pristine_pfn; pfn++) {
		const struct folio *f = pfn_folio(&s->pm, pfn);
		if (!folio_test(f, PG_head) || !folio_test(f, PG_anon) || folio_test(f, PG_zero) ||
		    folio_test(f, PG_device))
			continue;
		uint64_t nr = folio_nr_pages(f), mapped = 0;
		if (!lru_kept || folio_test(f, PG_lru))
			rows[folio_test(f, PG_active) ? MI_ACTIVE_ANON : MI_INACTIVE_ANON] += nr;
		if (folio_entire_mapcount(f) > 0)
			mapped = nr;
		else
			for (uint64_t i = 0; i < nr; i++)
				mapped += f[i].mapcount > 0;
		rows[MI_ANONPAGES] += mapped;
		if (folio_order(f) == PMD_ORDER && folio_entire_mapcount(f) > 0)
			rows[MI_ANONHUGEPAGES] += nr;
	}
	rows[MI_ACTIVE] = rows[MI_ACTIVE_ANON];
	rows[MI_INACTIVE] = rows[MI_INACTIVE_ANON];
}

static void numastat_meminfo(const struct sim *s, FILE *out)
{
	uint64_t rows[MAX_NUMNODES][NR_MEMINFO_ROWS] = { 0 }, v[MAX_NUMNODES];
	for (uint32_t n = 0; n < s->m.nr_nodes; n++) {
		const struct pglist_data *pg = &s->pm.node[n];
		rows[n][MI_MEMTOTAL] = pg->node_present_pages;
		rows[n][MI_MEMFREE] = pg->nr_free_pages;
		rows[n][MI_MEMUSED] = pg->node_present_pages - pg->nr_free_pages;
		if (node_has_memory(s, n))
			node_anon(s, n, rows[n]);
	}
	fprintf(out, "\nPer-node system memory usage (in MBs):\n");
	node_header(s, out, NUMASTAT_WIDTH, "", false);
	for (int r = 0; r < NR_MEMINFO_ROWS; r++) {
		for (uint32_t n = 0; n < s->m.nr_nodes; n++)
			v[n] = rows[n][r];
		mb_row(s, out, NUMASTAT_WIDTH, meminfo_names[r], v);
	}
}

/* ---- numastat with no options ---- */

/* The perl script's layout numastat keeps with no options: "nodeN" headers,
 * raw page counts of /sys/devices/system/node/nodeN/numastat, no Total. */
static void numastat_default(const struct sim *s, FILE *out)
{
	char buf[32];
	cell(out, "", NUMASTAT_WIDTH, true);
	for (uint32_t n = 0; n < s->m.nr_nodes; n++)
		if (node_has_memory(s, n)) {
			snprintf(buf, sizeof(buf), "node%u", n);
			cell(out, buf, NUMASTAT_WIDTH, false);
		}
	fputc('\n', out);
	for (int i = 0; i < NR_NUMA_STAT_ITEMS; i++) {
		cell(out, numa_stat_text[i], NUMASTAT_WIDTH, true);
		for (uint32_t n = 0; n < s->m.nr_nodes; n++)
			if (node_has_memory(s, n)) {
				snprintf(buf, sizeof(buf), "%llu", (unsigned long long)s->vs.numa[n][i]);
				cell(out, buf, NUMASTAT_WIDTH, false);
			}
		fputc('\n', out);
	}
}

void procfs_numastat(const struct sim *s, FILE *out)
{
	/* numastat's order: processes, then -m, then the numastat counters */
	fprintf(out, "# numastat -p %s\n", s->nr_mms == 1 ? "PID" : "PID...");
	if (s->nr_mms == 1 && process_leader(s, 0))
		numastat_one_process(s, process_leader(s, 0), out);
	else if (s->nr_mms)
		numastat_processes(s, out);
	fprintf(out, "# numastat -m\n");
	numastat_meminfo(s, out);
	fprintf(out, "# numastat\n");
	numastat_default(s, out);
}

/* ---- /proc/PID/sched ---- */

/* __PS(): "%-45s:%21Ld"; __PSN(): "%-45s:%14Ld.%06ld" of SPLIT_NS() (ms). */
static void sched_p(FILE *out, const char *name, long long v)
{
	fprintf(out, "%-45s:%21lld\n", name, v);
}

static void sched_pn(FILE *out, const char *name, uint64_t ns)
{
	fprintf(out, "%-45s:%14lld.%06lld\n", name, (long long)(ns / 1000000),
		(long long)(ns % 1000000));
}

/* The threads of @t's process: the kernel counts the live ones; at the end
 * of a run they have all exited, so this counts every one it had. */
static uint32_t nr_threads(const struct sim *s, const struct task *t)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < s->nr_tasks; i++)
		n += s->tasks[i]->proc == t->proc;
	return n;
}

int procfs_sched(const struct sim *s, uint32_t pid, FILE *out)
{
	const struct task *t = find_task(s, pid);
	if (!t)
		return -1;
	const struct task_numa *nb = &t->numa;
	const struct numa_group *ng = nb->numa_group;
	fprintf(out, "%.*s (%u, #threads: %u)\n", TASK_COMM_LEN - 1, comm(s), t->pid,
		nr_threads(s, t));
	fprintf(out, "-------------------------------------------------------------------\n");
	sched_pn(out, "se.sum_exec_runtime", t->sum_exec_runtime);
	sched_p(out, "se.nr_migrations", (long long)t->nr_migrations);
	/* sched_show_numa() */
	sched_p(out, "mm->numa_scan_seq", t->mm->numa.numa_scan_seq);
	sched_p(out, "numa_pages_migrated", (long long)nb->numa_pages_migrated);
	sched_p(out, "numa_preferred_nid", nb->numa_preferred_nid);
	sched_p(out, "total_numa_faults", nb->total_numa_faults);
	fprintf(out, "current_node=%u, numa_group_id=%u\n", s->cpus[t->cpu].node,
		ng ? ng->gid : 0);
	/* show_numa_stats(): every online node, shared is index 0, private 1 */
	for (uint32_t n = 0; n < s->m.nr_nodes; n++) {
		if (s->m.node[n].kind == MEM_DEVICE)
			continue;
		fprintf(out, "numa_faults node=%u task_private=%llu task_shared=%llu "
			"group_private=%llu group_shared=%llu\n", n,
			(unsigned long long)nb->faults[NUMA_MEM][n][1],
			(unsigned long long)nb->faults[NUMA_MEM][n][0],
			(unsigned long long)(ng ? ng->faults[n][1] : 0),
			(unsigned long long)(ng ? ng->faults[n][0] : 0));
	}
	return 0;
}

/* ---- tasks a workload plans ---- */

static uint64_t program_tasks(const struct workload *wl, uint32_t prog, uint32_t depth)
{
	uint64_t n = 1;
	const struct wl_program *p = &wl->programs[prog];
	if (depth > wl->nr_programs)	/* a cycle: validate refuses them; stay finite */
		return n;
	for (uint32_t i = 0; i < p->nr_phases && n < UINT32_MAX; i++)
		if (p->phases[i].op == WL_SPAWN || p->phases[i].op == WL_FORK)
			n += program_tasks(wl, p->phases[i].target, depth + 1);
	return n;
}

uint32_t procfs_planned_tasks(const struct workload *wl)
{
	uint64_t n = 0;
	for (uint32_t p = 0; p < wl->nr_procs && n < UINT32_MAX; p++)
		n += program_tasks(wl, wl->procs[p].main_program, 0);
	return n < UINT32_MAX ? (uint32_t)n : UINT32_MAX;
}
