/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpu/access.h - the CPU side of memory accesses: translation (TLB, walk,
 * fault) and the executors of the access phases.
 */
#ifndef NUMASIM_CPU_ACCESS_H
#define NUMASIM_CPU_ACCESS_H

#include "core/compiler.h"
#include "core/rng.h"
#include "workload/workload.h"

struct sim;
struct cpu;
struct task;
struct wl_phase;

/* One access outside a phase (tests, single-access drivers): through the
 * TLB, the walk and faults, and the oracle. Return false if the run failed. */
enum cpu_access_kind { ACCESS_LOAD, ACCESS_STORE, ACCESS_RMW };
bool cpu_access(struct sim *s, struct cpu *cpu, struct task *t, uint64_t addr,
		enum cpu_access_kind kind);
/* cpu_access() that also says which node the memory accessed is on. */
bool cpu_access_nid(struct sim *s, struct cpu *cpu, struct task *t, uint64_t addr,
		    enum cpu_access_kind kind, uint32_t *nid);

/* Run one step of the task's sweep phase, stopping at @deadline or at a
 * PMD boundary. Return true when the phase is complete. */
bool sweep_step(struct sim *s, struct cpu *cpu, struct task *t, uint64_t deadline);
/* Run random, skewed or gauss accesses until @deadline; true when complete. */
bool random_step(struct sim *s, struct cpu *cpu, struct task *t, uint64_t deadline);
/* Run table lookups (WL_LOOKUP) until @deadline; true when complete. */
bool lookup_step(struct sim *s, struct cpu *cpu, struct task *t, uint64_t deadline);
/* Run Zipf accesses (WL_ZIPF) until @deadline; true when complete. */
bool zipf_step(struct sim *s, struct cpu *cpu, struct task *t, uint64_t deadline);
/* Run a pointer chase (WL_CHASE) until @deadline; true when complete. */
bool chase_step(struct sim *s, struct cpu *cpu, struct task *t, uint64_t deadline);
/* Free the accesses drawn ahead (sim_destroy). */
void access_ahead_destroy(struct sim *s);
/* Set up the cursor of a WL_ZIPF or WL_CHASE phase (sim.c's phase_begin). */
void access_phase_begin(struct sim *s, struct task *t, const struct wl_phase *ph);

/*
 * Where a random access goes: a line of [0, lines). Inline, for the
 * per-access path and for the unit tests of the distributions.
 */

/* WL_SKEWED: the first @hot lines get @hot_prob of the accesses, uniformly;
 * the rest get the others. WL_RANDOM is @hot == @lines (one draw). */
static inline uint64_t access_hot_lines(uint64_t lines, double hot_frac)
{
	return MAX(1, (uint64_t)((double)lines * hot_frac));
}

static inline uint64_t access_skewed_line(struct rng *r, uint64_t lines, uint64_t hot,
					  double hot_prob)
{
	if (hot < lines && rng_double(r) >= hot_prob)
		return hot + rng_below(r, lines - hot);
	return rng_below(r, hot);
}

/*
 * WL_GAUSS: a normal distribution centred on the middle of the range, its
 * standard deviation a fraction of the range, truncated to the range by
 * drawing again (pmbench's "normal_ih" pattern: an Irwin-Hall sum of 12
 * uniforms, which spans mean +- 6 sd and retries outside the set).
 *
 * Twelve 21-bit uniforms u_i from four 64-bit draws: z = (2 sum u_i -
 * 12 (2^21 - 1)) / 2^22 has mean 0 and variance 1 - 2^-42. Integer sums and
 * IEEE double products only, no libm, so every machine draws the same lines;
 * the resolution is 2^-21 standard deviations (a few lines of a 4G range at
 * 0.1, well under a page). @unit is access_gauss_unit(): lines per 2^-22 of z.
 */
#define ACCESS_GAUSS_BITS 21

static inline double access_gauss_unit(uint64_t lines, double stddev)
{
	return (double)lines * stddev * 0x1p-22;
}

/* z * 2^22 for one Irwin-Hall (n = 12) draw: an integer in (-6 * 2^22, 6 * 2^22). */
static inline int64_t access_gauss_z22(struct rng *r)
{
	const uint64_t mask = (1ull << ACCESS_GAUSS_BITS) - 1;
	int64_t sum = 0;

	for (int i = 0; i < 4; i++) {
		uint64_t x = rng_next(r);
		sum += (int64_t)((x & mask) + ((x >> ACCESS_GAUSS_BITS) & mask) +
				 ((x >> (2 * ACCESS_GAUSS_BITS)) & mask));
	}
	return 2 * sum - 12 * (int64_t)mask;
}

static inline uint64_t access_gauss_line(struct rng *r, uint64_t lines, double unit)
{
	const double mid = (double)lines * 0.5;

	for (;;) {
		/* floor(mid + x): lines mid - 1 and mid, either side of the centre, are as likely */
		double pos = mid + (double)access_gauss_z22(r) * unit;

		if (pos >= 0.0 && pos < (double)lines)
			return (uint64_t)pos;
	}
}

/*
 * A fixed pseudo-random bijection of [0, n): WL_ZIPF scatters its ranks over
 * the range with it, WL_CHASE walks it as a cycle (the line after perm(i) is
 * perm(i + 1 mod n)), so neither needs a table of O(n) host memory.
 *
 * An invertible hash of the smallest power-of-two domain 2^k >= n (rounds of
 * a multiplication by an odd constant, an xor-shift and an addition, each a
 * bijection mod 2^k), restricted to [0, n) by cycle-walking: hash again until
 * the value falls in the range. The walk ends because x itself is in the
 * range and lies on the value's cycle; as 2^k < 2n it takes under two steps
 * on average. Integer arithmetic only: the same on every machine.
 */
#define ACCESS_PERM_ROUNDS 3

struct access_perm {
	uint64_t n, mask;
	uint32_t shift;
	uint64_t mul[ACCESS_PERM_ROUNDS], add[ACCESS_PERM_ROUNDS];
};

static inline void access_perm_init(struct access_perm *p, uint64_t n, uint64_t key)
{
	uint32_t k = 0;

	while (k < 64 && (1ull << k) < n)
		k++;
	p->n = n;
	p->mask = k == 64 ? ~0ull : (1ull << k) - 1;
	p->shift = (k + 1) / 2 ? (k + 1) / 2 : 1;
	for (int i = 0; i < ACCESS_PERM_ROUNDS; i++) {
		p->mul[i] = splitmix64(&key) | 1;
		p->add[i] = splitmix64(&key);
	}
}

static inline uint64_t access_perm_hash(const struct access_perm *p, uint64_t x)
{
	for (int i = 0; i < ACCESS_PERM_ROUNDS; i++) {
		x = (x * p->mul[i]) & p->mask;
		x ^= x >> p->shift;
		x = (x + p->add[i]) & p->mask;
	}
	return x;
}

/*
 * The permutation's key for phase @ph of a run seeded @seed: one per range and
 * seed, so threads chasing the same buffer follow the same list, as they
 * would in memory (the simulator and numasim-native draw the same lines).
 */
static inline uint64_t access_perm_key(uint64_t seed, const struct wl_phase *ph)
{
	uint64_t key = seed ^ ((uint64_t)ph->op << 56) ^ ((uint64_t)ph->region << 40);

	key = splitmix64(&key) ^ ph->off;
	key = splitmix64(&key) ^ ph->len;
	return splitmix64(&key);
}

/* The image of @x < n. */
static inline uint64_t access_perm(const struct access_perm *p, uint64_t x)
{
	do
		x = access_perm_hash(p, x);
	while (x >= p->n);
	return x;
}

/*
 * WL_ZIPF: rank r (1-based) of n is drawn with probability r^-s / H(n, s).
 * The ranks are grouped in buckets: one rank each up to rank 16, then
 * buckets growing by 1/16 of their first rank (so at most ZIPF_MAX_BUCKETS
 * for any range addressable with 64-bit offsets). A bucket's probability is
 * its exact sum (Euler-Maclaurin beyond eight ranks, error below 1e-12 of the
 * bucket), computed at phase start with exp and log series of our own
 * (access.c), not libm. A draw picks a bucket from the cumulative table
 * (a guide table indexed by the top bits of the uniform draw says where to
 * start looking: Chen and Asau's method), then a rank uniformly inside it.
 * APPROX: inside a bucket the ranks are equally likely, where Zipf's density
 * falls by up to (17/16)^s from its first rank to its last; the bucket's total
 * is exact, so shares of rank ranges are right to within one bucket's edge.
 */
#define ZIPF_MAX_BUCKETS 1024
#define ZIPF_GUIDE 1024
_Static_assert(ZIPF_MAX_BUCKETS <= 65536, "guide entries are 16-bit bucket numbers");

struct zipf_table {
	uint64_t n;
	double s;
	uint32_t nr;				/* buckets used */
	uint64_t lo[ZIPF_MAX_BUCKETS + 1];	/* first 0-based rank of each bucket; lo[nr] = n */
	double cdf[ZIPF_MAX_BUCKETS];		/* P(rank < lo[b + 1]); cdf[nr - 1] = 1 */
	/* guide[g]: the first bucket whose cdf exceeds g / ZIPF_GUIDE, where the
	 * search for u in [g, g + 1) / ZIPF_GUIDE starts (a step or two) */
	uint16_t guide[ZIPF_GUIDE];
};

/* Fill @z for @n >= 1 ranks and exponent @s > 0 (no allocation). */
void zipf_table_init(struct zipf_table *z, uint64_t n, double s);

/* A 0-based rank: 0 is the most frequent. */
static inline uint64_t access_zipf_rank(const struct zipf_table *z, struct rng *r)
{
	const double u = rng_double(r);
	uint32_t b = z->guide[(uint32_t)(u * ZIPF_GUIDE)];

	while (z->cdf[b] <= u)	/* the first bucket whose cdf exceeds u */
		b++;
	const uint64_t width = z->lo[b + 1] - z->lo[b];
	return z->lo[b] + (width > 1 ? rng_below(r, width) : 0);
}

/* Deterministic exp and log (series; IEEE add, multiply and divide only): exposed for the tests. */
double access_det_exp(double x);
double access_det_log(double x);

#endif
