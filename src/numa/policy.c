// SPDX-License-Identifier: GPL-2.0-only
/*
 * numa/policy.c - the registry of NUMA placement policies: the ops tables of
 * numa/policies.def by numasim.policy value.
 */
#include "core/tunables.h"
#include "numa/policy.h"

static const struct numa_policy_ops *const numa_policies[NR_NUMASIM_POLICIES] = {
#define NUMA_POLICY(id, name, ops) [NUMASIM_POLICY_##id] = &ops,
#include "numa/policies.def"
#undef NUMA_POLICY
};

const struct numa_policy_ops *numa_policy_get(uint32_t id)
{
	return id < NR_NUMASIM_POLICIES ? numa_policies[id] : NULL;
}

const struct numa_policy_ops *numa_policy_select(const struct tunables *tun)
{
	return numa_policy_get((uint32_t)tun->v[T_NUMASIM_POLICY]);
}
