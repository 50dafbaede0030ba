// SPDX-License-Identifier: GPL-2.0-only
/*
 * tools/native/knobs.c - numasim's tunables as the host's files: the one
 * name table (report.c reads the knobs back through it) and --set, which
 * writes them before anything runs (docs/native.md, "Setting knobs").
 *
 * The knobs are not restored at exit: the QEMU guests of tools/validate are
 * thrown away, and on a real host the user asked for the value.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "core/err.h"
#include "core/tunables.h"
#include "stats/report.h"
#include "knobs.h"
#include "native.h"

#define DEBUGFS "/sys/kernel/debug"
#define DEBUGFS_MAGIC_NR 0x64626720	/* include/uapi/linux/magic.h DEBUGFS_MAGIC */
#define THP_DIR "/sys/kernel/mm/transparent_hugepage/"

const struct nat_knob nat_knobs[] = {
	{ "transparent_hugepage.enabled", THP_DIR "enabled" },
	{ "transparent_hugepage.use_zero_page", THP_DIR "use_zero_page" },
	{ "kernel.numa_balancing", "/proc/sys/kernel/numa_balancing" },
	{ "kernel.numa_balancing_promote_rate_limit_MBps",
	  "/proc/sys/kernel/numa_balancing_promote_rate_limit_MBps" },
	{ "numa.demotion_enabled", "/sys/kernel/mm/numa/demotion_enabled" },
	{ "vm.swappiness", "/proc/sys/vm/swappiness" },
	{ "numa_balancing.hot_threshold_ms", DEBUGFS "/sched/numa_balancing/hot_threshold_ms" },
	{ "numa_balancing.scan_delay_ms", DEBUGFS "/sched/numa_balancing/scan_delay_ms" },
	{ "numa_balancing.scan_period_min_ms", DEBUGFS "/sched/numa_balancing/scan_period_min_ms" },
	{ "numa_balancing.scan_period_max_ms", DEBUGFS "/sched/numa_balancing/scan_period_max_ms" },
	{ "numa_balancing.scan_size_mb", DEBUGFS "/sched/numa_balancing/scan_size_mb" },
	{ NULL, THP_DIR "defrag" },
	{ NULL, THP_DIR "shmem_enabled" },
	{ NULL, THP_DIR "khugepaged/defrag" },
	{ NULL, "/proc/sys/vm/zone_reclaim_mode" },
};
const size_t nat_nr_knobs = ARRAY_SIZE(nat_knobs);

const char *knob_path(const char *name, char *buf, size_t len)
{
	static const char pre[] = "transparent_hugepage.hugepages-", post[] = ".enabled";
	size_t n = strlen(name);

	for (size_t i = 0; i < nat_nr_knobs; i++)
		if (nat_knobs[i].tunable && !strcmp(nat_knobs[i].tunable, name))
			return nat_knobs[i].path;
	/* transparent_hugepage.hugepages-64kB.enabled: .../hugepages-64kB/enabled */
	if (n > sizeof(pre) + sizeof(post) - 2 && !strncmp(name, pre, sizeof(pre) - 1) &&
	    !strcmp(name + n - (sizeof(post) - 1), post)) {
		int sz = (int)(n - (sizeof(pre) - 1) - (sizeof(post) - 1));
		snprintf(buf, len, THP_DIR "hugepages-%.*s/enabled", sz, name + sizeof(pre) - 1);
		return buf;
	}
	return NULL;
}

static int find_tunable(const char *name)
{
	for (int i = 0; i < NR_TUNABLES; i++)
		if (!strcmp(tunable_desc[i].name, name))
			return i;
	return -1;
}

int knob_parse(const char *arg, struct knob_req *r, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	char buf[192], set[192];
	struct tunables t;

	memset(r, 0, sizeof(*r));
	if (!eq || eq == arg) {
		snprintf(err, errlen, "--set '%s': expected KEY=VALUE", arg);
		return -1;
	}
	if ((size_t)(eq - arg) >= sizeof(r->key) || strlen(eq + 1) >= sizeof(r->value)) {
		snprintf(err, errlen, "--set '%.60s': key or value too long", arg);
		return -1;
	}
	memcpy(r->key, arg, (size_t)(eq - arg));
	snprintf(r->value, sizeof(r->value), "%s", eq + 1);
	int id = find_tunable(r->key);
	if (id < 0) {
		snprintf(err, errlen, "--set: unknown tunable '%s' (see 'numasim list')", r->key);
		return -1;
	}
	const char *path = knob_path(r->key, buf, sizeof(buf));
	if (!path) {
		snprintf(err, errlen, "--set: tunable '%s' is the simulator's own, with no host knob",
			 r->key);
		return -1;
	}
	snprintf(r->file, sizeof(r->file), "%s", path);
	/* the kernel's booleans (kstrtobool) take true/false too */
	const struct tunable_desc *d = &tunable_desc[id];
	const char *v = r->value;
	if (d->kind == TK_INT && !strcmp(d->unit, "bool"))
		v = !strcmp(v, "true") ? "1" : !strcmp(v, "false") ? "0" : v;
	snprintf(r->kval, sizeof(r->kval), "%s", v);
	tunables_init(&t);
	snprintf(set, sizeof(set), "%s=%s", r->key, v);
	return tunable_set(&t, set, err, errlen);
}

void debugfs_ensure(void)
{
	struct statfs s;

	if (statfs(DEBUGFS, &s) == 0 && (uint32_t)s.f_type == DEBUGFS_MAGIC_NR)
		return;
	if (mount("debugfs", DEBUGFS, "debugfs", 0, NULL))
		err_print(NATIVE_NAME, "warning: cannot mount debugfs at " DEBUGFS ": %s",
			  strerror(errno));
}

int knob_write(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t n = strlen(value);

	if (fd < 0)
		return -errno;
	ssize_t w = write(fd, value, n);
	int e = w < 0 ? errno : (size_t)w != n ? EIO : 0;
	if (close(fd) && !e)
		e = errno;
	return -e;
}

int knob_read(const char *path, char *buf, size_t len)
{
	if (read_first_line(path, buf, len))
		return -1;
	char *l = strchr(buf, '['), *r = l ? strchr(l, ']') : NULL;
	if (l && r) {
		*r = 0;
		memmove(buf, l + 1, (size_t)(r - l));
	}
	return 0;
}

void knob_apply(struct knob_req *r)
{
	if (!strncmp(r->file, DEBUGFS "/", sizeof(DEBUGFS)))
		debugfs_ensure();
	int e = access(r->file, F_OK) ? -errno : knob_write(r->file, r->kval);
	if (e == -ENOENT)
		snprintf(r->error, sizeof(r->error), "%s: this kernel has no such file", r->file);
	else if (e)
		snprintf(r->error, sizeof(r->error), "%s: writing '%s': %s", r->file, r->kval,
			 strerror(-e));
	r->applied = e == 0;
	if (e)
		err_print(NATIVE_NAME, "warning: --set %s=%s not applied: %s", r->key,
			r->value, r->error);
	r->have_readback = knob_read(r->file, r->readback, sizeof(r->readback)) == 0;
}

json_object *knobs_set_json(const struct knob_req *r, uint32_t nr)
{
	json_object *a = json_object_new_array();

	for (uint32_t i = 0; i < nr; i++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, RKEY(KNOB_KEY), json_object_new_string(r[i].key));
		json_object_object_add(o, "value", json_object_new_string(r[i].value));
		json_object_object_add(o, "file", json_object_new_string(r[i].file));
		json_object_object_add(o, RKEY(KNOB_APPLIED), json_object_new_boolean(r[i].applied));
		json_object_object_add(o, "error", r[i].error[0] ? json_object_new_string(r[i].error) : NULL);
		json_object_object_add(o, "readback",
				       r[i].have_readback ? json_object_new_string(r[i].readback) : NULL);
		json_object_array_add(a, o);
	}
	return a;
}
