// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu/topology.c - the scheduling domains of each CPU.
 * Models:     linux kernel/sched/topology.c as x86 sets it up: the topology
 *             levels SMT, MC (the LLC), PKG (left out when a socket holds
 *             several nodes: x86_has_numa_in_package), then sched_init_numa()'s
 *             NODE level and one NUMA level per distinct node_distance()
 *             between nodes with CPUs (sched_record_numa_dist); sd_init()'s
 *             flags and imbalance_pct (a NUMA level farther than
 *             node_reclaim_distance loses SD_BALANCE_EXEC/FORK and
 *             SD_WAKE_AFFINE); imb_numa_nr as build_sched_domains() computes
 *             it before degeneration (adjust_numa_imbalance(sd_llc)); and
 *             cpu_attach_domain()'s removal of degenerate domains
 *             (sd_degenerate, sd_parent_degenerate).
 * SIMPLIFIED: the LLC is the node (machine descriptions give no cache
 *             topology), so sd_llc's parent spans one LLC and imb_numa_nr
 *             starts from an eighth of the node's CPUs; no cluster (CLS) level;
 *             node_reclaim_distance is RECLAIM_DISTANCE (30; AMD Zen kernels
 *             raise it to 32).
 */
#include "sim.h"

#define LOCAL_DISTANCE 10
#define RECLAIM_DISTANCE 30	/* node_reclaim_distance */

/* The pre-degeneration levels: SMT, MC, PKG, NODE and up to 244 NUMA distances. */
#define SD_MAX_TL (4 + 256)

bool sd_span_test(const struct sim *s, struct sd_span sp, uint32_t rep, uint32_t i)
{
	const struct cpu *a = &s->cpus[rep], *b = &s->cpus[i];

	switch (sp.kind) {
	case SPAN_CPU:
		return rep == i;
	case SPAN_SMT:
		return a->core == b->core;
	case SPAN_MC:
		return a->node == b->node;
	case SPAN_PKG:
		return a->socket == b->socket;
	default:
		return s->m.distance[a->node][b->node] <= sp.distance;
	}
}

int sd_span_key(const struct sim *s, struct sd_span sp, uint32_t i)
{
	const struct cpu *c = &s->cpus[i];

	switch (sp.kind) {
	case SPAN_CPU:
		return (int)i;
	case SPAN_SMT:
		return (int)c->core;
	case SPAN_MC:
		return (int)c->node;
	case SPAN_PKG:
		return (int)c->socket;
	default:	/* only the NODE level's spans are the nodes */
		return sp.distance == LOCAL_DISTANCE ? (int)c->node : -1;
	}
}

static uint32_t span_weight(const struct sim *s, struct sd_span sp, uint32_t cpu)
{
	uint32_t w = 0;

	for (uint32_t i = 0; i < s->m.nr_cpus; i++)
		w += sd_span_test(s, sp, cpu, i);
	return w;
}

/* x86_has_numa_in_package: a socket has CPUs on more than one node. */
static bool numa_in_package(const struct sim *s)
{
	const struct machine *m = &s->m;

	for (uint32_t a = 0; a < m->nr_nodes; a++)
		for (uint32_t b = a + 1; b < m->nr_nodes; b++)
			if (node_has_cpus(m, a) && node_has_cpus(m, b) &&
			    m->node[a].socket == m->node[b].socket)
				return true;
	return false;
}

/*
 * The topology levels, lowest first (sched_init_numa appends NODE and the NUMA
 * levels to the architecture's list). Return their number.
 */
static uint32_t topology_levels(const struct sim *s, struct sd_span *tl)
{
	bool seen[256] = { false };
	uint32_t n = 0;

	tl[n++] = (struct sd_span){ SPAN_SMT, 0 };
	tl[n++] = (struct sd_span){ SPAN_MC, 0 };
	if (!numa_in_package(s))
		tl[n++] = (struct sd_span){ SPAN_PKG, 0 };
	/* sched_record_numa_dist: the distinct distances between CPU nodes */
	for (uint32_t a = 0; a < s->m.nr_nodes; a++)
		for (uint32_t b = 0; b < s->m.nr_nodes; b++)
			if (node_has_cpus(&s->m, a) && node_has_cpus(&s->m, b))
				seen[s->m.distance[a][b]] = true;
	seen[LOCAL_DISTANCE] = true;
	for (uint32_t d = LOCAL_DISTANCE; d < 256; d++)
		if (seen[d])
			tl[n++] = (struct sd_span){ SPAN_NUMA, (uint8_t)d };
	return n;
}

/* sd_init(): the behaviour a level's topology flags imply. */
static void sd_init(struct sched_domain *sd, struct sd_span span, struct sd_span groups,
		    uint32_t weight)
{
	*sd = (struct sched_domain){
		.span = span,
		.groups = groups,
		.span_weight = (uint16_t)weight,
		.flags = SD_BALANCE_NEWIDLE | SD_BALANCE_EXEC | SD_BALANCE_FORK | SD_WAKE_AFFINE |
			 SD_PREFER_SIBLING,
		.imbalance_pct = 117,
	};
	if (span.kind == SPAN_SMT) {
		sd->flags |= SD_SHARE_CPUCAPACITY | SD_SHARE_LLC;
		sd->imbalance_pct = 110;
	} else if (span.kind == SPAN_MC) {
		sd->flags |= SD_SHARE_LLC;
	} else if (span.kind == SPAN_NUMA && span.distance > LOCAL_DISTANCE) {
		sd->flags |= SD_NUMA | SD_SERIALIZE;
		sd->flags &= (uint16_t)~SD_PREFER_SIBLING;
		if (span.distance > RECLAIM_DISTANCE)
			sd->flags &= (uint16_t)~(SD_BALANCE_EXEC | SD_BALANCE_FORK | SD_WAKE_AFFINE);
	}
}

/*
 * build_sched_domains()'s imb_numa_nr, on the levels before degeneration: the
 * parent of the LLC domain allows an eighth of its CPUs when it spans one
 * LLC, else one task per LLC; each level above scales that by how many first
 * NUMA spans it holds.
 */
static void set_imb_numa_nr(struct sched_domain *sd, uint32_t nr)
{
	uint32_t imb = 0, imb_span = 1;

	for (uint32_t l = 1; l < nr; l++) {
		const struct sched_domain *child = &sd[l - 1];

		if (!(sd[l].flags & SD_SHARE_LLC) && (child->flags & SD_SHARE_LLC)) {
			uint32_t nr_llcs = sd[l].span_weight / child->span_weight;

			imb = MAX(1u, nr_llcs == 1 ? sd[l].span_weight >> 3u : nr_llcs);
			sd[l].imb_numa_nr = (uint16_t)imb;
			imb_span = sd[l].span_weight;
			for (uint32_t p = l + 1; p < nr; p++)
				if (sd[p].flags & SD_NUMA) {
					imb_span = sd[p].span_weight;
					break;
				}
		} else if (imb) {
			sd[l].imb_numa_nr = (uint16_t)(imb * MAX(1u, sd[l].span_weight / imb_span));
		}
	}
}

/*
 * cpu_attach_domain(): drop a domain of one CPU (sd_degenerate) and a parent
 * with its child's span (sd_parent_degenerate: one group, so its group flags
 * mean nothing), handing SD_PREFER_SIBLING down to the child.
 */
static void attach_domains(struct cpu *cpu, const struct sched_domain *sd, uint32_t nr)
{
	cpu->nr_sd = 0;
	for (uint32_t l = 0; l < nr; l++) {
		struct sched_domain *last = cpu->nr_sd ? &cpu->sd[cpu->nr_sd - 1] : NULL;

		if (sd[l].span_weight <= 1)
			continue;
		if (last && sd[l].span_weight == last->span_weight) {
			last->flags |= sd[l].flags & SD_PREFER_SIBLING;
			continue;
		}
		VM_BUG_ON(cpu->nr_sd >= SD_MAX_LEVELS);
		cpu->sd[cpu->nr_sd++] = sd[l];
	}
}

void build_sched_domains(struct sim *s)
{
	struct sd_span tl[SD_MAX_TL];
	struct sched_domain sd[SD_MAX_TL];
	uint32_t nr = topology_levels(s, tl);

	for (uint32_t c = 0; c < s->m.nr_cpus; c++) {
		for (uint32_t l = 0; l < nr; l++) {
			/* build_sched_groups: a group is a span of the level below */
			struct sd_span groups = l ? tl[l - 1] : (struct sd_span){ SPAN_CPU, 0 };

			sd_init(&sd[l], tl[l], groups, span_weight(s, tl[l], c));
		}
		set_imb_numa_nr(sd, nr);
		attach_domains(&s->cpus[c], sd, nr);
	}
}

uint32_t sched_numa_imb_nr(const struct sim *s, uint32_t cpu)
{
	const struct cpu *c = &s->cpus[cpu];

	for (uint32_t l = 0; l < c->nr_sd; l++)
		if (c->sd[l].flags & SD_NUMA)
			return c->sd[l].imb_numa_nr;
	return 1;
}
