// SPDX-License-Identifier: GPL-2.0-only
/*
 * tools/native/exec.c - running a workload's programs for real.
 *
 * Each workload process is a process; its main thread runs the main
 * program, WL_SPAWN is pthread_create, WL_FORK is fork(2) (the child's
 * address space is the kernel's copy-on-write copy, so the regions keep
 * their addresses and indices), WL_JOIN joins the threads and reaps the
 * processes this thread started. Memory phases are real loads and stores;
 * the random patterns draw their lines from the simulator's samplers
 * (cpu/access.h) with the simulator's per-task streams (seed, 1000 + task
 * number), so a run in which tasks are created in the same order as in the
 * simulation touches the same lines.
 *
 * A failed system call that the program can go on without (mbind, madvise,
 * move_pages, ...) is recorded in the "syscalls" list and reported; one it
 * cannot (mmap, mremap, fork, pthread_create) fails the run, and the monitor
 * stops every process.
 */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __x86_64__
#include <immintrin.h>
#endif

#include "core/bitmap.h"
#include "core/err.h"
#include "core/rng.h"
#include "cpu/access.h"
#include "mem/folio.h"
#include "native.h"
#include "workload/workload.h"

const int nat_status_errs[NAT_NR_STATUS_ERRS] = { EFAULT, ENOENT, EBUSY, EACCES, ENOMEM,
						   EINVAL, ENODEV, 0 /* other */ };

/* Per process, in its own memory (a forked child gets its copy). */
struct nat_proc_ctx {
	struct nat_shared *sh;
	const struct workload *wl;
	const struct nat_host *h;
	uint64_t seed;
	uint32_t proc;
	uint64_t *region_addr, *region_len;	/* [sh->max_regions] */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint32_t live_threads;		/* besides the main one */
};

struct nat_thread {
	struct nat_proc_ctx *pc;
	uint32_t program, task;
	struct rng rng;
	pthread_t *kids;
	uint32_t nr_kids, cap_kids;
	pid_t *forks;
	uint32_t nr_forks, cap_forks;
	uint64_t accesses;
	uint64_t sink;
};

uint64_t nat_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

/*
 * sh->lock is robust: a workload process killed while holding it (the
 * monitor stops them all when the run fails) must not block the others.
 */
void nat_lock(struct nat_shared *sh)
{
	if (pthread_mutex_lock(&sh->lock) == EOWNERDEAD)
		pthread_mutex_consistent(&sh->lock);
}

void nat_fail(struct nat_shared *sh, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err_print(NATIVE_NAME, "%s", msg);
	nat_lock(sh);
	if (!atomic_load(&sh->failed)) {
		snprintf(sh->error, sizeof(sh->error), "%s", msg);
		atomic_store(&sh->failed, 1);
	}
	pthread_mutex_unlock(&sh->lock);
}

static uint64_t since_t0(const struct nat_shared *sh)
{
	return nat_now_ns() - sh->t0_ns;
}

/* ---- reporting ---- */

static struct nat_syscall *record_syscall(struct nat_thread *th, const struct wl_phase *ph,
					  long rc)
{
	struct nat_shared *sh = th->pc->sh;
	struct nat_syscall *r = NULL;

	nat_lock(sh);
	if (sh->nr_syscalls < NAT_MAX_SYSCALLS)
		r = &sh->syscalls[sh->nr_syscalls++];
	else
		sh->dropped_syscalls++;
	pthread_mutex_unlock(&sh->lock);
	if (!r)
		return NULL;
	*r = (struct nat_syscall){ .proc = th->pc->proc, .task = th->task, .op = ph->op,
				   .t_ns = since_t0(sh), .rc = rc < 0 ? -1 : rc,
				   .err = rc < 0 ? (int)-rc : 0 };
	return r;
}

/* A system call the program goes on without: record and report a failure. */
static void syscall_done(struct nat_thread *th, const struct wl_phase *ph, long rc)
{
	if (rc >= 0)
		return;
	record_syscall(th, ph, rc);
	err_print(NATIVE_NAME, "warning: task %u (process %u): %s failed: %s (going on)",
		th->task, th->pc->proc, wl_op_name(ph->op), strerror((int)-rc));
}

static void record_task(struct nat_thread *th)
{
	struct nat_shared *sh = th->pc->sh;

	if (th->task >= sh->max_tasks)
		return;
	struct nat_task *t = &sh->tasks[th->task];
	*t = (struct nat_task){ .proc = th->pc->proc, .tid = gettid(), .cpu = sched_getcpu(),
				.numa_preferred_nid = -1, .exit_ns = since_t0(sh) };
	t->node = t->cpu >= 0 && t->cpu < MAX_CPUS ? (int)th->pc->h->cpu_node[t->cpu] : 0;
	read_sched("/proc/thread-self/sched", t);
	atomic_store(&t->valid, 1);
	atomic_fetch_add(&sh->accesses, th->accesses);
}

/* ---- regions ---- */

static void publish_region(struct nat_proc_ctx *pc, uint32_t r)
{
	if (r >= pc->sh->max_regions)
		return;
	atomic_store(nat_region(pc->sh, pc->proc, r, 1), 0);
	atomic_store(nat_region(pc->sh, pc->proc, r, 0), pc->region_addr[r]);
	atomic_store(nat_region(pc->sh, pc->proc, r, 1), pc->region_len[r]);
}

/* mmap, aligned by mapping more and trimming both ends. */
static int do_mmap(struct nat_thread *th, const struct wl_phase *ph)
{
	struct nat_proc_ctx *pc = th->pc;
	uint64_t align = MAX(ph->align, (uint64_t)PAGE_SIZE), extra = align - PAGE_SIZE;
	int flags = MAP_ANONYMOUS | (ph->arg & WL_MAP_SHARED ? MAP_SHARED : MAP_PRIVATE);
	uint8_t *p = mmap(NULL, ph->len + extra, PROT_READ | PROT_WRITE, flags, -1, 0);

	if (p == MAP_FAILED) {
		nat_fail(pc->sh, "task %u (process %u): mmap of %llu bytes: %s", th->task, pc->proc,
			 (unsigned long long)ph->len, strerror(errno));
		return -1;
	}
	uint8_t *a = (uint8_t *)ALIGN_UP((uintptr_t)p, align);
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (p + ph->len + extra > a + ph->len)
		munmap(a + ph->len, (size_t)(p + ph->len + extra - (a + ph->len)));
	if (ph->region < pc->sh->max_regions) {
		pc->region_addr[ph->region] = (uint64_t)(uintptr_t)a;
		pc->region_len[ph->region] = ph->len;
		publish_region(pc, ph->region);
	}
	return 0;
}

static int do_mremap(struct nat_thread *th, const struct wl_phase *ph, uint8_t *a)
{
	struct nat_proc_ctx *pc = th->pc;
	void *p = mremap(a, ph->len, ph->new_len, MREMAP_MAYMOVE);

	if (p == MAP_FAILED) {
		nat_fail(pc->sh, "task %u (process %u): mremap: %s", th->task, pc->proc, strerror(errno));
		return -1;
	}
	pc->region_addr[ph->region] = (uint64_t)(uintptr_t)p;
	pc->region_len[ph->region] = ph->new_len;
	publish_region(pc, ph->region);
	return 0;
}

/* ---- memory phases ---- */

/* The compiler must not drop or merge an access. */
#define touch_barrier() __asm__ volatile("" ::: "memory")

static void line_read(struct nat_thread *th, const uint8_t *p)
{
	const volatile uint64_t *q = (const volatile uint64_t *)p;
	uint64_t s = 0;

	for (int i = 0; i < 8; i++)
		s += q[i];
	th->sink += s;
}

static void line_write(uint8_t *p, uint64_t v, enum wl_store store)
{
#ifdef __x86_64__
	if (store == WL_STORE_NT) {
		for (int i = 0; i < 8; i++)
			_mm_stream_si64((long long *)(p + 8 * i), (long long)v);
		return;
	}
#else
	(void)store;
#endif
	volatile uint64_t *q = (volatile uint64_t *)p;
	for (int i = 0; i < 8; i++)
		q[i] = v;
}

static bool past(uint64_t deadline)
{
	return deadline && nat_now_ns() >= deadline;
}

/* One pass over [p, p + len): every line, or one 8-byte word every @stride bytes. */
static bool sweep_pass(struct nat_thread *th, const struct wl_phase *ph, uint8_t *p,
		       uint64_t deadline)
{
	const uint64_t step = ph->stride ? ph->stride : 64;
	const uint64_t chunk = 2 * MiB;

	for (uint64_t off = 0; off < ph->len; off += chunk) {
		uint64_t end = MIN(ph->len, off + chunk);
		for (uint64_t i = off; i < end; i += step) {
			uint8_t *x = p + i;
			if (ph->stride && ph->stride < 64) {
				volatile uint64_t *q = (volatile uint64_t *)ALIGN_DOWN((uintptr_t)x, 8);
				if (ph->access & WL_READ)
					th->sink += *q;
				if (ph->access & WL_WRITE)
					*q = th->sink + i;
				continue;
			}
			x = (uint8_t *)ALIGN_DOWN((uintptr_t)x, 64);
			if (ph->access & WL_READ)
				line_read(th, x);
			if (ph->access & WL_WRITE)
				line_write(x, th->sink + i, ph->access == WL_WRITE ? ph->store : WL_STORE_RFO);
		}
		touch_barrier();
		if (past(deadline))
			return false;
	}
#ifdef __x86_64__
	if (ph->store == WL_STORE_NT)
		_mm_sfence();
#endif
	return true;
}

static void do_sweep(struct nat_thread *th, const struct wl_phase *ph, uint8_t *p)
{
	uint64_t deadline = ph->duration_ns ? nat_now_ns() + ph->duration_ns : 0;

	for (uint64_t n = 0; deadline || n < ph->count; n++)
		if (!sweep_pass(th, ph, p, deadline))
			break;
}

static void access_line(struct nat_thread *th, uint8_t *p, bool write)
{
	volatile uint64_t *q = (volatile uint64_t *)p;

	if (write)
		*q = th->accesses;
	else
		th->sink += *q;
	th->accesses++;
}

static bool random_write(struct nat_thread *th, const struct wl_phase *ph)
{
	return ph->access == WL_WRITE ||
	       (ph->access == WL_RW && rng_double(&th->rng) < ph->write_ratio);
}

static void mark_access_start(struct nat_shared *sh)
{
	uint64_t now = since_t0(sh), cur = atomic_load(&sh->access_start_ns);

	while (now < cur && !atomic_compare_exchange_weak(&sh->access_start_ns, &cur, now))
		;
}

/* WL_RANDOM, WL_SKEWED, WL_GAUSS: the lines random_step() draws, in its order. */
static void do_random(struct nat_thread *th, const struct wl_phase *ph, uint8_t *p)
{
	const uint64_t lines = ph->len / 64;
	const uint64_t hot = ph->op == WL_SKEWED ? access_hot_lines(lines, ph->hot_frac) : lines;
	const bool gauss = ph->op == WL_GAUSS;
	const double unit = gauss ? access_gauss_unit(lines, ph->stddev) : 0.0;
	const uint64_t deadline = ph->duration_ns ? nat_now_ns() + ph->duration_ns : 0;

	for (uint64_t n = 0; deadline || n < ph->count; n++) {
		uint64_t line = gauss ? access_gauss_line(&th->rng, lines, unit)
				      : access_skewed_line(&th->rng, lines, hot, ph->hot_prob);
		access_line(th, p + line * 64, random_write(th, ph));
		if ((n & 4095) == 4095 && past(deadline))
			break;
	}
}

/* WL_ZIPF: the lines zipf_step() draws, in its order. */
static void do_zipf(struct nat_thread *th, const struct wl_phase *ph, uint8_t *p)
{
	const uint64_t lines = ph->len / 64;
	const uint64_t deadline = ph->duration_ns ? nat_now_ns() + ph->duration_ns : 0;
	struct zipf_table *z = malloc(sizeof(*z));	/* 18 KiB: not on a thread stack */
	struct access_perm perm;

	if (!z) {
		nat_fail(th->pc->sh, "task %u: out of memory for a Zipf table", th->task);
		return;
	}
	access_perm_init(&perm, lines, access_perm_key(th->pc->seed, ph));
	zipf_table_init(z, lines, ph->zipf_s);
	for (uint64_t n = 0; deadline || n < ph->count; n++) {
		uint64_t line = access_perm(&perm, access_zipf_rank(z, &th->rng));
		access_line(th, p + line * 64, random_write(th, ph));
		if ((n & 4095) == 4095 && past(deadline))
			break;
	}
	free(z);
}

/*
 * A value that is 0 but that the CPU cannot know before @v is loaded: the
 * next address of a chase depends on the previous load, as it does when the
 * list is in memory (an "and" with 0 is not a dependency-breaking idiom).
 */
static inline uint64_t depend_zero(uint64_t v)
{
#if defined(__x86_64__)
	__asm__ volatile("and $0, %0" : "+r"(v));
#elif defined(__aarch64__)
	__asm__ volatile("and %0, %0, xzr" : "+r"(v));
#else
	__asm__ volatile("" : "+r"(v));
	v = 0;		/* no dependency: loads may overlap */
#endif
	return v;
}

/* WL_CHASE: the cycle chase_step() walks, from the same place, each load
 * waiting for the previous one. */
static void do_chase(struct nat_thread *th, const struct wl_phase *ph, uint8_t *p)
{
	const uint64_t lines = ph->len / 64;
	const uint64_t deadline = ph->duration_ns ? nat_now_ns() + ph->duration_ns : 0;
	struct access_perm perm;
	uint64_t pos = rng_below(&th->rng, lines), dep = 0;

	access_perm_init(&perm, lines, access_perm_key(th->pc->seed, ph));
	for (uint64_t n = 0; deadline || n < ph->count; n++) {
		uint64_t line = access_perm(&perm, pos) + dep;
		volatile uint64_t *q = (volatile uint64_t *)(p + line * 64);

		if (++pos == lines)
			pos = 0;
		if (random_write(th, ph)) {
			*q = th->accesses;
			dep = 0;
		} else {
			dep = depend_zero(*q);
		}
		th->accesses++;
		if ((n & 4095) == 4095 && past(deadline))
			break;
	}
}

/* WL_LOOKUP: the accesses lookup_step() makes, in its order (see there). */
static void one_lookup(struct nat_thread *th, const struct wl_phase *ph, uint8_t *p)
{
	const struct wl_lookup *lk = &ph->lk;
	const uint64_t nr_keys = lk->keys_len / 8;
	const uint64_t rows_off = lk->data_len + lk->keys_len;
	const uint64_t row_bytes = (ph->len - rows_off) / nr_keys;
	uint64_t key = rng_below(&th->rng, nr_keys), lo = 0, hi = nr_keys, last = UINT64_MAX;

	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (mid <= key)
			lo = mid;
		else
			hi = mid;
		uint64_t line = (lk->data_len + mid * 8) / 64;
		if (line == last)
			continue;
		last = line;
		access_line(th, p + line * 64, false);
	}
	last = UINT64_MAX;
	for (uint32_t step = 0; step < 2 * lk->gathers; step++) {
		if (step & 1) {
			access_line(th, p + rng_below(&th->rng, lk->data_len / 64) * 64, false);
			continue;
		}
		uint64_t line = (rows_off + key * row_bytes + (step / 2) * row_bytes / lk->gathers) / 64;
		if (line == last)
			continue;
		last = line;
		access_line(th, p + line * 64, false);
	}
	uint8_t *w = p - ph->off + lk->work_off + rng_below(&th->rng, lk->work_len / 64) * 64;
	access_line(th, w, random_write(th, ph));
}

static void do_lookup(struct nat_thread *th, const struct wl_phase *ph, uint8_t *p)
{
	const uint64_t deadline = ph->duration_ns ? nat_now_ns() + ph->duration_ns : 0;

	for (uint64_t n = 0; deadline || n < ph->count; n++) {
		one_lookup(th, ph, p);
		if ((n & 255) == 255 && past(deadline))
			break;
	}
}

/* ---- system calls ---- */

static void do_madvise(struct nat_thread *th, const struct wl_phase *ph, uint8_t *a)
{
	static const int advice[NR_MM_MADV] = {
		[MM_MADV_HUGEPAGE] = MADV_HUGEPAGE, [MM_MADV_NOHUGEPAGE] = MADV_NOHUGEPAGE,
		[MM_MADV_DONTNEED] = MADV_DONTNEED, [MM_MADV_COLD] = MADV_COLD,
		[MM_MADV_PAGEOUT] = MADV_PAGEOUT,
	};
	long rc = ph->arg < NR_MM_MADV && madvise(a, ph->len, advice[ph->arg]) ? -errno : 0;

	syscall_done(th, ph, rc);
}

static void do_mprotect(struct nat_thread *th, const struct wl_phase *ph, uint8_t *a)
{
	int prot = ph->arg == WL_PROT_RW ? PROT_READ | PROT_WRITE :
		   ph->arg == WL_PROT_READ ? PROT_READ : PROT_NONE;

	syscall_done(th, ph, mprotect(a, ph->len, prot) ? -errno : 0);
}

static void set_cpus(struct nat_thread *th, const struct wl_phase *ph, const uint64_t *bits)
{
	cpu_set_t set;
	bool any = false;

	CPU_ZERO(&set);
	for (uint32_t c = 0; c < MAX_CPUS && c < CPU_SETSIZE; c++)
		if (bits[c / 64] >> (c % 64) & 1) {
			CPU_SET(c, &set);
			any = true;
		}
	long rc = !any ? -EINVAL : sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
	syscall_done(th, ph, rc);
}

static void set_affinity_nodes(struct nat_thread *th, const struct wl_phase *ph)
{
	uint64_t bits[MAX_CPUS / 64] = { 0 };
	const struct nat_host *h = th->pc->h;

	for (uint32_t n = 0; n < h->nr_nodes; n++)
		if (ph->pol.nodes >> n & 1)
			bitmap_or(bits, bits, h->node_cpus[n], MAX_CPUS / 64);
	set_cpus(th, ph, bits);
}

static void do_move_pages(struct nat_thread *th, const struct wl_phase *ph, uint8_t *a)
{
	uint64_t n = ph->len / PAGE_SIZE;
	int targets[MAX_NUMNODES], nr_targets = 0;

	for (int i = 0; i < MAX_NUMNODES; i++)
		if (ph->pol.nodes >> i & 1)
			targets[nr_targets++] = i;
	void **pages = malloc(n * sizeof(*pages));
	int *nodes = malloc(n * sizeof(*nodes)), *status = malloc(n * sizeof(*status));
	if (!pages || !nodes || !status || !nr_targets) {
		free(pages);
		free(nodes);
		free(status);
		syscall_done(th, ph, nr_targets ? -ENOMEM : -EINVAL);
		return;
	}
	for (uint64_t i = 0; i < n; i++) {
		pages[i] = a + i * PAGE_SIZE;
		nodes[i] = targets[i % (uint64_t)nr_targets];
		status[i] = -EINVAL;
	}
	long rc = host_move_pages(n, pages, nodes, status);
	struct nat_syscall *r = record_syscall(th, ph, rc);
	if (r) {
		r->nr_pages = n;
		for (uint64_t i = 0; rc >= 0 && i < n; i++) {
			if (status[i] >= 0 && status[i] < MAX_NUMNODES) {
				r->status_node[status[i]]++;
				continue;
			}
			int k = 0;
			while (k < NAT_NR_STATUS_ERRS - 1 && nat_status_errs[k] != -status[i])
				k++;
			r->status_err[k]++;
		}
	}
	if (rc < 0)
		err_print(NATIVE_NAME, "warning: task %u (process %u): move_pages: %s",
			th->task, th->pc->proc, strerror((int)-rc));
	free(pages);
	free(nodes);
	free(status);
}

static void do_migrate_pages(struct nat_thread *th, const struct wl_phase *ph)
{
	long rc = host_migrate_pages(ph->pol.nodes, ph->to_nodes);

	record_syscall(th, ph, rc);
	if (rc < 0)
		err_print(NATIVE_NAME, "warning: task %u (process %u): migrate_pages: %s",
			th->task, th->pc->proc, strerror((int)-rc));
}

/* ---- threads and processes ---- */

static void *thread_main(void *arg);
static int run_program(struct nat_thread *th);
static sim_noreturn void process_run(struct nat_proc_ctx *pc, struct nat_thread *th);

static struct nat_thread *new_thread(struct nat_proc_ctx *pc, uint32_t program, uint32_t task)
{
	struct nat_thread *th = calloc(1, sizeof(*th));

	if (!th)
		return NULL;
	th->pc = pc;
	th->program = program;
	th->task = task;
	rng_seed(&th->rng, pc->seed, 1000 + task);	/* as task_create() seeds a task */
	return th;
}

static int grow(void **arr, uint32_t *cap, uint32_t nr, size_t size)
{
	if (nr < *cap)
		return 0;
	uint32_t ncap = *cap ? *cap * 2 : 8;
	void *n = realloc(*arr, (size_t)ncap * size);
	if (!n)
		return -1;
	*arr = n;
	*cap = ncap;
	return 0;
}

static int do_spawn(struct nat_thread *th, const struct wl_phase *ph)
{
	struct nat_proc_ctx *pc = th->pc;
	uint32_t task = atomic_fetch_add(&pc->sh->next_task, 1);
	struct nat_thread *nt = new_thread(pc, ph->target, task);
	int rc = nt ? 0 : ENOMEM;

	if (!rc && grow((void **)&th->kids, &th->cap_kids, th->nr_kids, sizeof(*th->kids)))
		rc = ENOMEM;
	if (!rc) {
		pthread_mutex_lock(&pc->lock);
		pc->live_threads++;
		pthread_mutex_unlock(&pc->lock);
		rc = pthread_create(&th->kids[th->nr_kids], NULL, thread_main, nt);
		if (rc) {
			pthread_mutex_lock(&pc->lock);
			pc->live_threads--;
			pthread_mutex_unlock(&pc->lock);
		}
	}
	if (rc) {
		free(nt);
		nat_fail(pc->sh, "task %u (process %u): pthread_create: %s", th->task, pc->proc,
			 strerror(rc));
		return -1;
	}
	th->nr_kids++;
	return 0;
}

static int do_fork(struct nat_thread *th, const struct wl_phase *ph)
{
	struct nat_proc_ctx *pc = th->pc;
	struct nat_shared *sh = pc->sh;
	uint32_t proc = atomic_fetch_add(&sh->next_proc, 1);
	uint32_t task = atomic_fetch_add(&sh->next_task, 1);

	if (proc >= sh->max_procs ||
	    grow((void **)&th->forks, &th->cap_forks, th->nr_forks, sizeof(*th->forks))) {
		nat_fail(sh, "task %u (process %u): fork: too many processes", th->task, pc->proc);
		return -1;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		nat_fail(sh, "task %u (process %u): fork: %s", th->task, pc->proc, strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* the child: a new process, its only thread this one */
		struct nat_thread *nt = new_thread(pc, ph->target, task);
		if (!nt)
			_exit(1);
		pthread_mutex_init(&pc->lock, NULL);
		pthread_cond_init(&pc->cond, NULL);
		pc->live_threads = 0;
		pc->proc = proc;
		for (uint32_t r = 0; r < sh->max_regions; r++)
			publish_region(pc, r);
		process_run(pc, nt);
	}
	atomic_store(&sh->procs[proc].pid, pid);
	th->forks[th->nr_forks++] = pid;
	return 0;
}

static void do_join(struct nat_thread *th)
{
	for (uint32_t i = 0; i < th->nr_kids; i++)
		pthread_join(th->kids[i], NULL);
	th->nr_kids = 0;
	for (uint32_t i = 0; i < th->nr_forks; i++) {
		int st;
		while (waitpid(th->forks[i], &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			nat_fail(th->pc->sh, "a process forked by task %u (process %u) %s", th->task,
				 th->pc->proc, WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "failed");
	}
	th->nr_forks = 0;
}

static void spin_ns(uint64_t ns)
{
	uint64_t until = nat_now_ns() + ns;

	while (nat_now_ns() < until)
#ifdef __x86_64__
		_mm_pause();
#else
		touch_barrier();
#endif
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / NSEC_PER_SEC), .tv_nsec = (long)(ns % NSEC_PER_SEC) };

	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

static uint8_t *phase_addr(struct nat_thread *th, const struct wl_phase *ph)
{
	return (uint8_t *)(uintptr_t)(th->pc->region_addr[ph->region] + ph->off);
}

/* Return 0, or -1 if the run cannot go on. */
static int run_phase(struct nat_thread *th, const struct wl_phase *ph)
{
	struct nat_shared *sh = th->pc->sh;
	uint8_t *a = ph->op == WL_MMAP ? NULL : phase_addr(th, ph);

	switch (ph->op) {
	case WL_MMAP:
		return do_mmap(th, ph);
	case WL_MUNMAP:
		syscall_done(th, ph, munmap(a, ph->len) ? -errno : 0);
		if (ph->off == 0 && ph->len == th->pc->region_len[ph->region]) {
			th->pc->region_len[ph->region] = 0;
			publish_region(th->pc, ph->region);
		}
		return 0;
	case WL_MPROTECT:
		do_mprotect(th, ph, a);
		return 0;
	case WL_MADVISE:
		do_madvise(th, ph, a);
		return 0;
	case WL_MBIND:
		syscall_done(th, ph, host_mbind(a, ph->len, (int)(ph->pol.mode | ph->pol.flags),
						ph->pol.nodes));
		return 0;
	case WL_SET_MEMPOLICY:
		syscall_done(th, ph, host_set_mempolicy((int)(ph->pol.mode | ph->pol.flags),
							ph->pol.nodes));
		return 0;
	case WL_MREMAP:
		return do_mremap(th, ph, a);
	case WL_MOVE_PAGES:
		do_move_pages(th, ph, a);
		return 0;
	case WL_MIGRATE_PAGES:
		do_migrate_pages(th, ph);
		return 0;
	case WL_SET_AFFINITY:
		set_affinity_nodes(th, ph);
		return 0;
	case WL_SET_CPUS:
		set_cpus(th, ph, th->pc->wl->cpusets[ph->target].bits);
		return 0;
	case WL_SWEEP:
		do_sweep(th, ph, a);
		return 0;
	case WL_RANDOM:
	case WL_SKEWED:
	case WL_GAUSS:
		mark_access_start(sh);
		do_random(th, ph, a);
		return 0;
	case WL_LOOKUP:
		mark_access_start(sh);
		do_lookup(th, ph, a);
		return 0;
	case WL_ZIPF:
		mark_access_start(sh);
		do_zipf(th, ph, a);
		return 0;
	case WL_CHASE:
		mark_access_start(sh);
		do_chase(th, ph, a);
		return 0;
	case WL_SPAWN:
		return do_spawn(th, ph);
	case WL_FORK:
		return do_fork(th, ph);
	case WL_JOIN:
		do_join(th);
		return 0;
	case WL_BARRIER:
		pthread_barrier_wait(&sh->barriers[ph->target]);
		return 0;
	case WL_SLEEP:
		sleep_ns(ph->ns);
		return 0;
	case WL_COMPUTE:
		spin_ns(ph->ns);
		return 0;
	default:	/* refused before the start: nat_unsupported() */
		nat_fail(sh, "task %u (process %u): %s is not supported by " NATIVE_NAME, th->task,
			 th->pc->proc, wl_op_name(ph->op));
		return -1;
	}
}

static int run_program(struct nat_thread *th)
{
	const struct wl_program *prog = &th->pc->wl->programs[th->program];

	for (uint32_t i = 0; i < prog->nr_phases; i++) {
		if (atomic_load(&th->pc->sh->failed))
			return -1;
		if (run_phase(th, &prog->phases[i]))
			return -1;
	}
	return 0;
}

static void thread_free(struct nat_thread *th)
{
	free(th->kids);
	free(th->forks);
	free(th);
}

static void *thread_main(void *arg)
{
	struct nat_thread *th = arg;
	struct nat_proc_ctx *pc = th->pc;

	run_program(th);
	/* SIMPLIFIED: threads this one spawned and never joined are joined here,
	 * processes it forked are reaped by their parent's exit (the monitor is
	 * the subreaper) */
	do_join(th);
	record_task(th);
	thread_free(th);
	pthread_mutex_lock(&pc->lock);
	pc->live_threads--;
	pthread_cond_broadcast(&pc->cond);
	pthread_mutex_unlock(&pc->lock);
	return NULL;
}

/* The main thread of a process: its program, then the end of the process. */
static void process_run(struct nat_proc_ctx *pc, struct nat_thread *th)
{
	struct nat_shared *sh = pc->sh;
	struct nat_proc *p = &sh->procs[pc->proc];

	atomic_store(&p->pid, getpid());
	atomic_store(&p->state, NAT_PROC_RUNNING);
	int rc = run_program(th);
	do_join(th);
	pthread_mutex_lock(&pc->lock);
	while (pc->live_threads)
		pthread_cond_wait(&pc->cond, &pc->lock);
	pthread_mutex_unlock(&pc->lock);
	/* final placement: the memory is still mapped, as the simulator's report sees it */
	if (read_numa_maps(sh, pc->proc, getpid(), p->final_pages, p->final_all_pages) == 0)
		atomic_store(&p->final_valid, 1);
	read_region_vmas(sh, pc->proc, getpid());
	record_task(th);
	p->exit_ns = since_t0(sh);
	atomic_store(&p->state, NAT_PROC_EXITED);
	fflush(NULL);
	_exit(rc || atomic_load(&sh->failed) ? 1 : 0);
}

void nat_process_main(struct nat_shared *sh, const struct workload *wl, const struct nat_host *h,
		      uint64_t seed, uint32_t proc, uint32_t program)
{
	struct nat_proc_ctx *pc = calloc(1, sizeof(*pc));

	if (!pc)
		_exit(1);
	*pc = (struct nat_proc_ctx){ .sh = sh, .wl = wl, .h = h, .seed = seed, .proc = proc };
	pc->region_addr = calloc(sh->max_regions + 1, sizeof(uint64_t));
	pc->region_len = calloc(sh->max_regions + 1, sizeof(uint64_t));
	struct nat_thread *th = new_thread(pc, program, proc);	/* tasks 0..: the initial mains */
	if (!pc->region_addr || !pc->region_len || !th)
		_exit(1);
	pthread_mutex_init(&pc->lock, NULL);
	pthread_cond_init(&pc->cond, NULL);
	atomic_store(&sh->procs[proc].pid, getpid());
	pthread_barrier_wait(&sh->start);
	process_run(pc, th);
}
