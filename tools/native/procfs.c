// SPDX-License-Identifier: GPL-2.0-only
/*
 * tools/native/procfs.c - readers of the /proc and /sys files
 * numasim-native samples: /proc/vmstat and numastat ("name value" lines),
 * /proc/<pid>/numa_maps, /proc/<pid>/sched, node meminfo. A file or a line
 * the host lacks is simply not there: callers treat it as absent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "native.h"

int read_first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

void counters_free(struct nat_counters *c)
{
	free(c->name);
	free(c->val);
	c->name = NULL;
	c->val = NULL;
	c->nr = 0;
}

/* "name value" per line; @c keeps its names if it was read before (same file). */
int read_counters(const char *path, struct nat_counters *c, int keyed_colon)
{
	FILE *f = fopen(path, "r");
	char line[256], name[64];
	long long v;
	uint32_t i = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		int n = keyed_colon ? sscanf(line, "%63[^:]: %lld", name, &v)
				    : sscanf(line, "%63s %lld", name, &v);
		if (n != 2)
			continue;
		if (i >= c->nr || strcmp(c->name[i], name)) {
			/* first read, or the file changed shape: (re)build the names */
			if (i >= c->nr) {
				void *nn = realloc(c->name, (i + 1) * sizeof(*c->name));
				void *nv = realloc(c->val, (i + 1) * sizeof(*c->val));
				if (nn)
					c->name = nn;
				if (nv)
					c->val = nv;
				if (!nn || !nv)
					break;
				c->nr = i + 1;
			}
			snprintf(c->name[i], sizeof(c->name[i]), "%s", name);
		}
		c->val[i++] = v;
	}
	c->nr = i;
	fclose(f);
	return 0;
}

int64_t counter_get(const struct nat_counters *c, const char *name, int *found)
{
	for (uint32_t i = 0; i < c->nr; i++)
		if (!strcmp(c->name[i], name)) {
			if (found)
				*found = 1;
			return c->val[i];
		}
	if (found)
		*found = 0;
	return 0;
}

static bool overlaps_regions(struct nat_shared *sh, uint32_t proc, uint64_t lo, uint64_t hi)
{
	for (uint32_t r = 0; r < sh->max_regions; r++) {
		uint64_t start = atomic_load(nat_region(sh, proc, r, 0));
		uint64_t len = atomic_load(nat_region(sh, proc, r, 1));
		if (len && lo < start + len && start < hi)
			return true;
	}
	return false;
}

/* One line of @f into @buf; the rest of a longer one (a very long path in
 * maps or smaps) is read and dropped. false at the end of the file. */
static bool read_line(FILE *f, char *buf, size_t len)
{
	if (!fgets(buf, (int)len, f))
		return false;
	char rest[256];
	bool whole = strchr(buf, '\n') != NULL;
	while (!whole && fgets(rest, sizeof(rest), f))
		whole = strchr(rest, '\n') != NULL;
	return true;
}

/* The end of the mapping at @start from /proc/<pid>/maps (read while
 * numa_maps is; they list the same VMAs in the same order), reading on
 * from where the last call stopped. 0 if @start is not there. */
struct maps_cursor {
	FILE *f;
	unsigned long long lo, hi;	/* the line read but not yet matched */
	bool have;
};

static uint64_t vma_end(struct maps_cursor *c, uint64_t start)
{
	char line[4096];
	for (;;) {
		if (!c->have) {
			if (!c->f || !read_line(c->f, line, sizeof(line)))
				return 0;
			if (sscanf(line, "%llx-%llx", &c->lo, &c->hi) != 2)
				continue;
			c->have = true;
		}
		if (c->lo > start)
			return 0;	/* a VMA maps lacks: keep the line for the next start */
		c->have = false;
		if (c->lo == start)
			return c->hi;
	}
}

/*
 * One line per VMA: "ADDR POLICY ... N0=12 N1=3 kernelpagesize_kB=4". The
 * node counts are in pages of kernelpagesize_kB (4 KiB but for hugetlbfs;
 * transparent huge pages are counted in base pages). A VMA counts for the
 * workload's regions if it overlaps one: the kernel merges a region with
 * an adjacent anonymous mapping of the same protection (a thread's stack
 * just below it, say), so the VMA may start before the region; the few
 * pages of such a neighbour are then counted with the region.
 */
int read_numa_maps(struct nat_shared *sh, uint32_t proc, int pid, uint64_t *in, uint64_t *all)
{
	char path[64], line[4096];
	FILE *f;
	struct maps_cursor maps = { 0 };

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", pid);
	if (!(f = fopen(path, "r")))
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps.f = fopen(path, "r");
	memset(in, 0, MAX_NUMNODES * sizeof(*in));
	memset(all, 0, MAX_NUMNODES * sizeof(*all));
	while (fgets(line, sizeof(line), f)) {
		uint64_t pages[MAX_NUMNODES] = { 0 }, kb = 4;
		char *save, *tok = strtok_r(line, " \n", &save);
		if (!tok)
			continue;
		uint64_t addr = strtoull(tok, NULL, 16);
		uint64_t end = vma_end(&maps, addr);
		while ((tok = strtok_r(NULL, " \n", &save))) {
			unsigned node;
			unsigned long long n;
			if (sscanf(tok, "N%u=%llu", &node, &n) == 2 && node < MAX_NUMNODES)
				pages[node] = n;
			else if (sscanf(tok, "kernelpagesize_kB=%llu", &n) == 1 && n >= 4)
				kb = n;
		}
		bool mine = overlaps_regions(sh, proc, addr, end > addr ? end : addr + 1);
		for (int n = 0; n < MAX_NUMNODES; n++) {
			all[n] += pages[n] * (kb / 4);
			if (mine)
				in[n] += pages[n] * (kb / 4);
		}
	}
	if (maps.f)
		fclose(maps.f);
	fclose(f);
	return 0;
}

/*
 * From /proc/<pid>/smaps: for each region the start of the VMA holding its
 * first byte, the end of the one holding its last, and the AnonHugePages of
 * the VMAs overlapping it (a merged neighbour's included).
 */
void read_region_vmas(struct nat_shared *sh, uint32_t proc, int pid)
{
	char path[64], line[4096];
	unsigned long long lo = 0, hi = 0, kb;
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	while (read_line(f, line, sizeof(line))) {
		bool header = sscanf(line, "%llx-%llx ", &lo, &hi) == 2;
		bool huge = !header && sscanf(line, "AnonHugePages: %llu kB", &kb) == 1;
		if (!header && !huge)
			continue;
		for (uint32_t r = 0; r < sh->max_regions; r++) {
			struct nat_region *x = &sh->regions[(uint64_t)proc * sh->max_regions + r];
			uint64_t start = atomic_load(&x->start), len = atomic_load(&x->len);
			if (!len || start + len <= lo || start >= hi)
				continue;
			if (huge) {
				atomic_fetch_add(&x->thp_bytes, kb * 1024);
				continue;
			}
			if (start >= lo)
				atomic_store(&x->vma_start, lo);
			if (start + len <= hi)
				atomic_store(&x->vma_end, hi);
		}
	}
	fclose(f);
}

int read_sched(const char *path, struct nat_task *t)
{
	FILE *f = fopen(path, "r");
	char line[256], key[64];
	double v;
	int a, b;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "current_node=%d, numa_group_id=%d", &a, &b) == 2) {
			t->node = a;
			t->numa_group_id = b;
			continue;
		}
		if (sscanf(line, "%63s : %lf", key, &v) != 2)
			continue;
		if (!strcmp(key, "se.sum_exec_runtime"))
			t->sum_exec_runtime_ms = v;
		else if (!strcmp(key, "se.nr_migrations"))
			t->nr_migrations = (uint64_t)v;
		else if (!strcmp(key, "mm->numa_scan_seq"))
			t->numa_scan_seq = (int64_t)v;
		else if (!strcmp(key, "numa_pages_migrated"))
			t->numa_pages_migrated = (int64_t)v;
		else if (!strcmp(key, "numa_preferred_nid")) {
			t->numa_preferred_nid = (int64_t)v;
			t->have_numa = 1;
		} else if (!strcmp(key, "total_numa_faults"))
			t->total_numa_faults = (int64_t)v;
	}
	fclose(f);
	return 0;
}

/* "Node 0 MemFree:  4764960 kB" from /sys/devices/system/node/nodeN/meminfo. */
uint64_t node_meminfo_kb(uint32_t node, const char *key, int *found)
{
	char path[96], line[256], k[64];
	unsigned n;
	unsigned long long v;
	FILE *f;

	*found = 0;
	snprintf(path, sizeof(path), "/sys/devices/system/node/node%u/meminfo", node);
	if (!(f = fopen(path, "r")))
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Node %u %63[^:]: %llu", &n, k, &v) == 3 && !strcmp(k, key)) {
			*found = 1;
			fclose(f);
			return v;
		}
	fclose(f);
	return 0;
}
