// SPDX-License-Identifier: GPL-2.0-only
/*
 * tools/native/host.c - what numasim-native asks libnuma: the nodes of this
 * host and their CPUs, and the NUMA system calls.
 *
 * Kept apart from the files that include workload.h: <numaif.h> defines
 * MPOL_* as macros. The mode numbers and MPOL_F_* flags of struct mempolicy
 * are the kernel's (include/uapi/linux/mempolicy.h), so they pass through
 * unchanged; a mode the host kernel lacks fails with EINVAL, which the
 * caller reports.
 *
 * The system calls go through syscall(2), not libnuma's wrappers of the
 * same names: libnumasim.a has a migrate_pages() of its own (the kernel's
 * name, mm/migrate.c), which the linker would pick for this program.
 */
#include <errno.h>
#include <numa.h>
#include <numaif.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "native.h"

#ifndef MPOL_F_STATIC_NODES
#define MPOL_F_STATIC_NODES (1 << 15)
#endif
#ifndef MPOL_F_RELATIVE_NODES
#define MPOL_F_RELATIVE_NODES (1 << 14)
#endif

/* maxnode for a 64-bit mask: the kernel reads maxnode - 1 bits */
#define NAT_MAXNODE (64 + 1)

static void set_cpu(struct nat_host *h, uint32_t node, uint32_t cpu)
{
	h->node_cpus[node][cpu / 64] |= 1ull << (cpu % 64);
	h->node_nr_cpus[node]++;
	h->cpu_node[cpu] = node;
	h->nr_cpus = MAX(h->nr_cpus, cpu + 1);
}

/* No libnuma (or a kernel without NUMA): one node with every online CPU. */
static void probe_flat(struct nat_host *h)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	h->nr_nodes = 1;
	for (long c = 0; c < n && c < MAX_CPUS; c++)
		set_cpu(h, 0, (uint32_t)c);
}

int host_probe(struct nat_host *h, char *err, size_t errlen)
{
	memset(h, 0, sizeof(*h));
	h->numa = numa_available() >= 0;
	if (!h->numa) {
		probe_flat(h);
		return 0;
	}
	int max = numa_max_node();
	if (max < 0 || max >= MAX_NUMNODES) {
		snprintf(err, errlen, "this host has node %d; numasim handles nodes 0..%d", max,
			 MAX_NUMNODES - 1);
		return -1;
	}
	h->nr_nodes = (uint32_t)max + 1;
	struct bitmask *bm = numa_allocate_cpumask();
	if (!bm) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (uint32_t n = 0; n < h->nr_nodes; n++) {
		numa_bitmask_clearall(bm);
		if (numa_node_to_cpus((int)n, bm))
			continue;	/* a node without CPUs, or a hole */
		for (uint32_t c = 0; c < MAX_CPUS && c < bm->size; c++)
			if (numa_bitmask_isbitset(bm, c))
				set_cpu(h, n, c);
	}
	numa_free_cpumask(bm);
	if (h->nr_cpus == 0)
		probe_flat(h);
	return 0;
}

long host_mbind(void *addr, uint64_t len, int mode, uint64_t nodes)
{
	unsigned long mask = (unsigned long)nodes;
	int m = mode & ~(MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING);
	bool nomask = m == MPOL_DEFAULT || m == MPOL_LOCAL;

	return syscall(SYS_mbind, addr, (unsigned long)len, mode, nomask ? NULL : &mask,
		       nomask ? 0ul : (unsigned long)NAT_MAXNODE, 0u) ? -errno : 0;
}

long host_set_mempolicy(int mode, uint64_t nodes)
{
	unsigned long mask = (unsigned long)nodes;
	int m = mode & ~(MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING);
	bool nomask = m == MPOL_DEFAULT || m == MPOL_LOCAL;

	return syscall(SYS_set_mempolicy, mode, nomask ? NULL : &mask,
		       nomask ? 0ul : (unsigned long)NAT_MAXNODE) ? -errno : 0;
}

long host_move_pages(uint64_t count, void **pages, const int *nodes, int *status)
{
	long rc = syscall(SYS_move_pages, 0, (unsigned long)count, pages, nodes, status, MPOL_MF_MOVE);

	return rc < 0 ? -errno : rc;
}

long host_migrate_pages(uint64_t from, uint64_t to)
{
	unsigned long f = (unsigned long)from, t = (unsigned long)to;
	long rc = syscall(SYS_migrate_pages, 0, (unsigned long)NAT_MAXNODE, &f, &t);

	return rc < 0 ? -errno : rc;
}
