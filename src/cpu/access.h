/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cpu/access.h - the CPU side of memory accesses: translation (TLB, walk,
 * fault) and the executors of the access phases.
 */
#ifndef NUMASIM_CPU_ACCESS_H
#define NUMASIM_CPU_ACCESS_H

#include "core/compiler.h"
#include "core/rng.h"

struct sim;
struct cpu;
struct task;

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

#endif
