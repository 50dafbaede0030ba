// SPDX-License-Identifier: GPL-2.0-only
/*
 * tests/unit/test_hostmem.c - host memory (docs/host-memory.md): the
 * estimate, structure by structure and for whole workloads
 * (mem/host_estimate.c); the counter a run charges, against the host's own
 * view of the folio array (mincore); the probe of cgroup v2 and v1 limits
 * and MemAvailable from a fake /proc and /sys (core/hostmem.c); the refusal
 * up front and the stop at run time (sim.c).
 */
#include "testlib.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hostmem.h"
#include "mem/host_estimate.h"

static const char *const thp_never[] = { "transparent_hugepage.enabled=never", NULL };
static const char *const thp_always[] = { "transparent_hugepage.enabled=always", NULL };

/* ---- one structure at a time ---- */

static void test_malloc_bytes(void **state)
{
	(void)state;
	assert_int_equal(host_malloc_bytes(1), 32);
	assert_int_equal(host_malloc_bytes(24), 32);
	assert_int_equal(host_malloc_bytes(25), 48);
	/* a PTE table: 4152 bytes, a 4160-byte chunk */
	assert_int_equal(sizeof(struct pte_table), 4152);
	assert_int_equal(host_malloc_bytes(sizeof(struct pte_table)), 4160);
	/* at the mmap threshold: whole pages, with mmap's header */
	assert_int_equal(host_malloc_bytes(128 * KiB), 128 * KiB + 4096);
}

static void test_array_growth(void **state)
{
	(void)state;
	assert_int_equal(host_est_array(0, 8, 64), 0);
	assert_int_equal(host_est_array(1, 8, 64), host_malloc_bytes(64 * 8));
	assert_int_equal(host_est_array(65, 8, 64), host_malloc_bytes(128 * 8));
	/* ARRAY_GROW's own rule, for the same count */
	assert_int_equal(array_next_cap(0, 1000, 64, SIZE_MAX), 1024);
	assert_int_equal(host_est_array(1000, 16, 64), host_malloc_bytes(1024 * 16));
}

static void test_slots(void **state)
{
	(void)state;
	/* 32 bytes a base page, rounded up to a host page */
	assert_int_equal(host_est_slots(128, 0, 12), 4096);
	assert_int_equal(host_est_slots(129, 0, 12), 8192);
	/* a PMD THP writes one host page of its 16 KiB of slots... */
	assert_int_equal(host_est_slots(0, 10, 12), 10 * 4096);
	/* ... unless the host backs them with 2 MiB pages: all of them */
	assert_int_equal(host_est_slots(0, 128, 21), 2 * MiB);
	assert_int_equal(host_est_slots(1, 0, 21), 2 * MiB);
}

static void test_page_tables(void **state)
{
	(void)state;
	const uint64_t pt = host_malloc_bytes(sizeof(struct pte_table));
	/* aligned: N PMDs are N tables, or none when all are THPs */
	assert_int_equal(host_est_thp_chunks(0, 8 * PMD_SIZE), 8);
	assert_int_equal(host_est_pte_tables(0, 8 * PMD_SIZE, 0), 8 * pt);
	assert_int_equal(host_est_pte_tables(0, 8 * PMD_SIZE, 8), 0);
	/* a page past a boundary: N - 1 whole PMDs, N + 1 tables spanned */
	assert_int_equal(host_est_thp_chunks(PAGE_SIZE, 8 * PMD_SIZE), 7);
	assert_int_equal(host_est_pte_tables(PAGE_SIZE, 8 * PMD_SIZE, 0), 9 * pt);
	assert_int_equal(host_est_pte_tables(PAGE_SIZE, 8 * PMD_SIZE, 7), 2 * pt);
	assert_int_equal(host_est_pte_tables(PAGE_SIZE, PAGE_SIZE, 0), pt);
	assert_int_equal(host_est_pte_tables(0, 0, 0), 0);
}

static void test_sample(void **state)
{
	(void)state;
	/* two rows of MAX_NUMNODES counters per process */
	assert_int_equal(host_est_sample(1), 2 * host_malloc_bytes(MAX_NUMNODES * 8));
	assert_int_equal(host_est_sample(65), 2 * host_malloc_bytes(65 * MAX_NUMNODES * 8));
}

/* ---- whole workloads ---- */

static void estimate_spec(const char *spec, const char *const *sets, struct host_estimate *out)
{
	struct tl_env e;
	char err[256] = "";
	tl_env_init_image(&e, "2node-128cpu", sets, true);
	workload_free(&e.wl);
	if (workload_build(&e.wl, spec, &e.m, 1.0, 1, err, sizeof(err)))
		fail_msg("workload_build(\"%s\"): %s", spec, err);
	host_estimate(&e.m, &e.tun, &e.wl, 12, out);
	tl_env_free(&e);
}

static void test_estimate_seq(void **state)
{
	(void)state;
	struct host_estimate e4, eh;
	estimate_spec("seq:size=1G,threads=4", thp_never, &e4);
	estimate_spec("seq:size=1G,threads=4", thp_always, &eh);
	const uint64_t pages = GiB / PAGE_SIZE;
	assert_int_equal(e4.nr_mms, 1);
	assert_int_equal(e4.nr_tasks, 5);	/* main + 4 threads */
	assert_true(e4.frames >= pages && e4.frames < pages + 64);
	assert_int_equal(e4.thps, 0);
	/* NUMA balancing may move pages: slots on both nodes, 32 bytes a page */
	assert_true(e4.slots >= 2 * pages * 32 && e4.slots < 2 * pages * 32 + 64 * KiB);
	/* a table a PMD, plus the image's and the threads' stacks' */
	assert_true(e4.pgtables >= 512 * 4160 && e4.pgtables < 540 * 4160);
	/* with THPs: a host page of slots per THP, next to no PTE tables */
	assert_true(eh.thps >= 511 && eh.thps <= 512);
	assert_true(eh.slots < e4.slots / 3);
	assert_true(eh.pgtables < 16 * 4160 + 64 * KiB);
	assert_int_equal(e4.total, e4.slots + e4.pgtables + e4.lru + e4.tasks + e4.timeseries +
				   e4.report + e4.transient + e4.fixed);
}

static void test_estimate_forkcow(void **state)
{
	(void)state;
	struct host_estimate w1, w0, wh;
	estimate_spec("forkcow:size=256M,children=8,writes=1", thp_never, &w1);
	estimate_spec("forkcow:size=256M,children=8,writes=0", thp_never, &w0);
	estimate_spec("forkcow:size=256M,children=8,writes=1", thp_always, &wh);
	const uint64_t pages = 256 * MiB / PAGE_SIZE;
	assert_int_equal(w1.nr_mms, 9);
	assert_int_equal(w1.nr_tasks, 9);
	/* the region, a copy per child and one for the parent */
	assert_true(w1.frames >= 10 * pages && w1.frames < 10 * pages + 128);
	/* children that only read copy nothing */
	assert_true(w0.frames >= pages && w0.frames < pages + 128);
	/* every address space has its own tables over the whole region */
	assert_true(w1.pgtables >= 9 * 128 * 4160);
	assert_true(w0.pgtables >= 9 * 128 * 4160);
	/* the time series keeps a row per process in each sample */
	assert_true(w1.timeseries >= (TS_MAX_SAMPLES + 1ull) * host_est_sample(9));
	/* THP: written copy-on-write, the THPs are split: base pages after all */
	assert_true(wh.frames >= 10 * pages);
	assert_true(wh.thps == 0);
}

/* The case: 4 GiB forked 64 times, all of it written. */
static void test_estimate_forkcow_big(void **state)
{
	(void)state;
	struct host_estimate e;
	estimate_spec("forkcow:size=4G,children=64,writes=1", NULL, &e);
	/* 66 copies of 1 Mi pages is more than the machine: at most its frames */
	assert_true(e.frames >= 66ull * MiB);
	assert_true(e.slots >= 66ull * MiB * 32);
	assert_true(e.pgtables >= 65ull * 2048 * 4160);
	assert_true(e.total > 2 * GiB);
}

/* ---- the counter, against the host ---- */

/* Bytes of [p, p + len) the host has resident (mincore). */
static uint64_t resident_bytes(const void *p, size_t len)
{
	const size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	const size_t n = DIV_ROUND_UP(len, pg);
	unsigned char *vec = calloc(n, 1);
	assert_non_null(vec);
	assert_int_equal(mincore((void *)p, len, vec), 0);
	uint64_t r = 0;
	for (size_t i = 0; i < n; i++)
		r += vec[i] & 1;
	free(vec);
	return r * pg;
}

static void check_charged(const char *spec, const char *const *sets)
{
	struct tl_env e;
	struct sim *s = tl_run_spec(&e, "2node-128cpu", spec, sets, 1);
	if (host_page_shift() != 12)
		skip();	/* 2 MiB slots' pages: khugepaged decides */
	/* every host page of the folio array the run wrote is charged, and no other */
	uint64_t touched = phys_mem_touched_bytes(&s->pm);
	assert_int_equal(touched, s->hostmem.slots);
	/* the host's view: what was written, exactly; the audits of a debug
	 * build also read untouched slots, which maps the zero page there */
	if (SIM_DEBUG_VM < 2)
		assert_int_equal(resident_bytes(s->pm.folios, s->pm.map_bytes), touched);
	else
		assert_true(resident_bytes(s->pm.folios, s->pm.map_bytes) >= touched);
	/* the page tables are charged as their malloc chunks */
	assert_true(s->hostmem.peak >= s->hostmem.slots + s->ptpool.host_bytes);
	/* and nothing the estimate did not see */
	assert_true(s->hostmem.peak <= s->host_est.total);
	assert_true(s->hostmem.slots <= s->host_est.slots);
	tl_env_free(&e);
}

static void test_charged_4k(void **state)
{
	(void)state;
	check_charged("seq:size=64M,threads=4,passes=1", thp_never);
}

static void test_charged_thp(void **state)
{
	(void)state;
	check_charged("seq:size=64M,threads=4,passes=1", thp_always);
}

static void test_charged_forkcow(void **state)
{
	(void)state;
	check_charged("forkcow:size=16M,children=4,writes=0.5", NULL);
}

/* ---- limits: the probe from a fake root ---- */

static void put(const char *root, const char *path, const char *text)
{
	char full[512], dir[512];
	snprintf(full, sizeof(full), "%s%s", root, path);
	for (char *p = full + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(p - full), full);
		mkdir(dir, 0755);
	}
	FILE *f = fopen(full, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *fake_root(void)
{
	char *root = strdup("/tmp/numasim-hostmem-XXXXXX");
	assert_non_null(mkdtemp(root));
	put(root, "/proc/meminfo", "MemTotal:       16000000 kB\nMemAvailable:    8388608 kB\n");
	return root;
}

static void rm_root(char *root)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	free(root);
}

static void test_probe_meminfo(void **state)
{
	(void)state;
	char *root = fake_root();
	struct host_avail a;
	host_mem_probe(root, &a);
	assert_int_equal(a.rss, 8ull * GiB);
	assert_non_null(strstr(a.rss_what, "MemAvailable"));
	assert_int_equal(a.va, UINT64_MAX);
	rm_root(root);
}

static void test_probe_cgroup_v2(void **state)
{
	(void)state;
	char *root = fake_root();
	put(root, "/proc/self/cgroup", "0::/user.slice/job\n");
	put(root, "/proc/self/mountinfo",
	    "22 1 0:21 / /proc rw - proc proc rw\n"
	    "30 1 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
	/* the job: 2 GiB, 1.5 GiB in use of which 512 MiB file cache */
	put(root, "/sys/fs/cgroup/user.slice/job/memory.max", "2147483648\n");
	put(root, "/sys/fs/cgroup/user.slice/job/memory.current", "1610612736\n");
	put(root, "/sys/fs/cgroup/user.slice/job/memory.stat",
	    "anon 1073741824\nfile 536870912\nactive_file 268435456\ninactive_file 268435456\n");
	/* its parent, unlimited */
	put(root, "/sys/fs/cgroup/user.slice/memory.max", "max\n");
	struct host_avail a;
	host_mem_probe(root, &a);
	assert_int_equal(a.rss, 1ull * GiB);
	assert_non_null(strstr(a.rss_what, "memory.max"));
	/* a tighter parent wins */
	put(root, "/sys/fs/cgroup/user.slice/memory.max", "1879048192\n");
	put(root, "/sys/fs/cgroup/user.slice/memory.current", "1610612736\n");
	host_mem_probe(root, &a);
	assert_int_equal(a.rss, 256 * MiB);
	rm_root(root);
}

static void test_probe_cgroup_v1(void **state)
{
	(void)state;
	char *root = fake_root();
	put(root, "/proc/self/cgroup", "5:cpu,cpuacct:/\n4:memory:/batch/job7\n0::/\n");
	put(root, "/proc/self/mountinfo",
	    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
	    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n");
	put(root, "/sys/fs/cgroup/memory/batch/job7/memory.limit_in_bytes", "1073741824\n");
	put(root, "/sys/fs/cgroup/memory/batch/job7/memory.usage_in_bytes", "536870912\n");
	put(root, "/sys/fs/cgroup/memory/batch/job7/memory.stat",
	    "cache 0\ntotal_active_file 0\ntotal_inactive_file 134217728\n");
	put(root, "/sys/fs/cgroup/memory/batch/memory.limit_in_bytes", "9223372036854771712\n");
	struct host_avail a;
	host_mem_probe(root, &a);
	assert_int_equal(a.rss, 640 * MiB);
	assert_non_null(strstr(a.rss_what, "memory.limit_in_bytes"));
	rm_root(root);
}

/* A cgroup namespace: the mount's root is the process's own cgroup. */
static void test_probe_cgroup_namespace(void **state)
{
	(void)state;
	char *root = fake_root();
	put(root, "/proc/self/cgroup", "0::/\n");
	put(root, "/proc/self/mountinfo",
	    "30 1 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
	put(root, "/sys/fs/cgroup/memory.max", "536870912\n");
	put(root, "/sys/fs/cgroup/memory.current", "0\n");
	struct host_avail a;
	host_mem_probe(root, &a);
	assert_int_equal(a.rss, 512 * MiB);
	rm_root(root);
}

static void test_available_env(void **state)
{
	(void)state;
	struct host_avail a;
	char err[256] = "";
	setenv("NUMASIM_HOST_MEM_LIMIT", "64M", 1);
	assert_int_equal(host_mem_available(&a, err, sizeof(err)), 0);
	assert_int_equal(a.rss, 64 * MiB);
	assert_true(a.check);
	assert_non_null(strstr(a.rss_what, "NUMASIM_HOST_MEM_LIMIT"));
	setenv("NUMASIM_HOST_MEM_LIMIT", "64 MB", 1);
	assert_int_equal(host_mem_available(&a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "NUMASIM_HOST_MEM_LIMIT '64 MB'"));
	unsetenv("NUMASIM_HOST_MEM_LIMIT");
	setenv("NUMASIM_HOST_MEM_CHECK", "0", 1);
	assert_int_equal(host_mem_available(&a, err, sizeof(err)), 0);
	assert_false(a.check);
	setenv("NUMASIM_HOST_MEM_CHECK", "no", 1);
	assert_int_equal(host_mem_available(&a, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "NUMASIM_HOST_MEM_CHECK"));
	unsetenv("NUMASIM_HOST_MEM_CHECK");
}

/* ---- the refusal and the stop ---- */

static void test_refused_up_front(void **state)
{
	(void)state;
	struct tl_env e;
	char err[1024] = "";
	tl_env_init_image(&e, "2node-128cpu", NULL, true);
	workload_free(&e.wl);
	assert_int_equal(workload_build(&e.wl, "forkcow:size=1G,children=4", &e.m, 1.0, 1, err,
					sizeof(err)), 0);
	setenv("NUMASIM_HOST_MEM_LIMIT", "32M", 1);
	struct sim *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	assert_int_equal(sim_create(s, &e.m, &e.tun, &e.wl, 1, err, sizeof(err)), -1);
	unsetenv("NUMASIM_HOST_MEM_LIMIT");
	assert_non_null(strstr(err, "workload 'forkcow:size=1G,children=4"));
	assert_non_null(strstr(err, "more than the 32 MiB available"));
	assert_non_null(strstr(err, "--scale"));
	free(s);
	tl_env_free(&e);
}

static void test_stopped_at_run_time(void **state)
{
	(void)state;
	struct tl_env e;
	char err[1024] = "";
	tl_env_init_image(&e, "2node-128cpu", thp_never, true);
	workload_free(&e.wl);
	assert_int_equal(workload_build(&e.wl, "forkcow:size=256M,children=16", &e.m, 1.0, 1, err,
					sizeof(err)), 0);
	/* past the check, the counter stops it: of 64 MiB, about 32 are kept
	 * for the report, and the copies' slots alone take 38 */
	setenv("NUMASIM_HOST_MEM_LIMIT", "64M", 1);
	setenv("NUMASIM_HOST_MEM_CHECK", "0", 1);
	e.s = calloc(1, sizeof(*e.s));
	assert_non_null(e.s);
	int rc = sim_create(e.s, &e.m, &e.tun, &e.wl, 1, err, sizeof(err));
	unsetenv("NUMASIM_HOST_MEM_LIMIT");
	unsetenv("NUMASIM_HOST_MEM_CHECK");
	if (rc)
		fail_msg("sim_create: %s", err);
	assert_int_equal(sim_run(e.s), -1);
	assert_true(e.s->failed);
	assert_non_null(strstr(e.s->error, "out of host memory"));
	assert_non_null(strstr(e.s->error, "NUMASIM_HOST_MEM_LIMIT"));
	assert_true(e.s->hostmem.used > e.s->hostmem.limit);
	/* stopped soon after: within a slice's growth of the limit */
	assert_true(e.s->hostmem.peak < e.s->hostmem.limit + 16 * MiB);
	tl_env_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malloc_bytes),
		cmocka_unit_test(test_array_growth),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_page_tables),
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_estimate_seq),
		cmocka_unit_test(test_estimate_forkcow),
		cmocka_unit_test(test_estimate_forkcow_big),
		cmocka_unit_test(test_charged_4k),
		cmocka_unit_test(test_charged_thp),
		cmocka_unit_test(test_charged_forkcow),
		cmocka_unit_test(test_probe_meminfo),
		cmocka_unit_test(test_probe_cgroup_v2),
		cmocka_unit_test(test_probe_cgroup_v1),
		cmocka_unit_test(test_probe_cgroup_namespace),
		cmocka_unit_test(test_available_env),
		cmocka_unit_test(test_refused_up_front),
		cmocka_unit_test(test_stopped_at_run_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
