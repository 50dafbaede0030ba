// SPDX-License-Identifier: GPL-2.0-only
/*
 * core/hostmem.c - how much host memory this process may still take
 * (core/hostmem.h): cgroup limits, MemAvailable, resource limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/err.h"
#include "core/hostmem.h"
#include "core/parse.h"

/* A cgroup limit at or above this is "no limit" (v1 writes 2^63 - 4096). */
#define CGROUP_NO_LIMIT (1ull << 62)

/* The text of @root@path, NUL-terminated, in @buf; 0 if it could not be read. */
static size_t read_text(const char *root, const char *path, char *buf, size_t n)
{
	char full[4096];
	if ((size_t)snprintf(full, sizeof(full), "%s%s", root, path) >= sizeof(full))
		return 0;
	FILE *f = fopen(full, "r");
	if (!f)
		return 0;
	size_t got = fread(buf, 1, n - 1, f);
	fclose(f);
	buf[got] = 0;
	return got;
}

/* The number after "@key" at the start of a line of @text (UINT64_MAX: none). */
static uint64_t text_field(const char *text, const char *key)
{
	size_t k = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, k))
			continue;
		p += k;
		p += strspn(p, " \t:");
		uint64_t v;
		return parse_scan_u64(p, strcspn(p, "\n"), &v) ? v : UINT64_MAX;
	}
	return UINT64_MAX;
}

/* A file holding one number (or "max"): the number, UINT64_MAX otherwise. */
static uint64_t read_number(const char *root, const char *path)
{
	char buf[64];
	uint64_t v;
	if (!read_text(root, path, buf, sizeof(buf)) ||
	    !parse_scan_u64(buf, strcspn(buf, "\n"), &v))
		return UINT64_MAX;
	return v;
}

/* Keep @bytes as the resident headroom if it is the tightest so far. */
static void take_rss(struct host_avail *a, uint64_t bytes, const char *what)
{
	if (bytes < a->rss) {
		a->rss = bytes;
		snprintf(a->rss_what, sizeof(a->rss_what), "%s", what);
	}
}

struct cg_files {
	const char *limit, *usage, *stat;	/* file names in a cgroup folder */
	const char *active, *inactive;		/* memory.stat keys of the file cache */
};

static const struct cg_files cg_v2 = { "memory.max", "memory.current", "memory.stat",
				       "active_file", "inactive_file" };
static const struct cg_files cg_v1 = { "memory.limit_in_bytes", "memory.usage_in_bytes",
				       "memory.stat", "total_active_file", "total_inactive_file" };

/*
 * The cgroup folder @dir (under mount point @mnt) and each ancestor up to
 * the mount point: the limit less the usage, the file cache counted as
 * reclaimable (as the kernel would reclaim it before an OOM kill).
 */
static void cgroup_walk(const char *root, char *dir, size_t mnt_len, const struct cg_files *cf,
			struct host_avail *a)
{
	for (;;) {
		char path[4096], stat[8192];
		snprintf(path, sizeof(path), "%s/%s", dir, cf->limit);
		uint64_t limit = read_number(root, path);
		if (limit < CGROUP_NO_LIMIT) {
			snprintf(path, sizeof(path), "%s/%s", dir, cf->usage);
			uint64_t usage = read_number(root, path);
			usage = usage == UINT64_MAX ? 0 : usage;
			snprintf(path, sizeof(path), "%s/%s", dir, cf->stat);
			if (read_text(root, path, stat, sizeof(stat))) {
				uint64_t act = text_field(stat, cf->active);
				uint64_t inact = text_field(stat, cf->inactive);
				uint64_t cache = (act == UINT64_MAX ? 0 : act) +
						 (inact == UINT64_MAX ? 0 : inact);
				usage -= MIN(usage, cache);
			}
			char what[256];
			snprintf(what, sizeof(what), "the cgroup limit (%s of %.140s: %llu MiB, %llu MiB in use)",
				 cf->limit, dir, (unsigned long long)(limit >> 20),
				 (unsigned long long)(usage >> 20));
			take_rss(a, limit - MIN(limit, usage), what);
		}
		char *slash = strrchr(dir, '/');
		if (!slash || (size_t)(slash - dir) < mnt_len)
			return;
		*slash = 0;
	}
}

/*
 * The mount of the hierarchy @v2 (cgroup2) or v1's memory controller in
 * /proc/self/mountinfo: its root and mount point. Return false if none.
 */
static bool cgroup_mount(const char *mountinfo, bool v2, char *mroot, char *mpoint, size_t n)
{
	for (const char *l = mountinfo; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		char line[1024];
		size_t len = strcspn(l, "\n");
		if (len >= sizeof(line))
			continue;
		memcpy(line, l, len);
		line[len] = 0;
		char *sep = strstr(line, " - ");
		char r[512], p[512], fstype[64], source[256], opts[512] = "";
		if (!sep || sscanf(line, "%*s %*s %*s %511s %511s", r, p) != 2 ||
		    sscanf(sep + 3, "%63s %255s %511s", fstype, source, opts) < 2)
			continue;
		bool match = v2 ? !strcmp(fstype, "cgroup2") : !strcmp(fstype, "cgroup");
		if (match && !v2) {	/* v1: the hierarchy with the memory controller */
			match = false;
			for (char *o = strtok(opts, ","); o; o = strtok(NULL, ","))
				match |= !strcmp(o, "memory");
		}
		if (match && strlen(r) < n && strlen(p) < n) {
			strcpy(mroot, r);
			strcpy(mpoint, p);
			return true;
		}
	}
	return false;
}

/* This process's cgroup path in the hierarchy @v2 or v1's memory, from
 * /proc/self/cgroup ("0::/a/b" or "4:memory:/a/b"). */
static bool cgroup_path(const char *cgroups, bool v2, char *out, size_t n)
{
	for (const char *l = cgroups; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *c1 = strchr(l, ':'), *end = l + strcspn(l, "\n");
		const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2 || c2 > end)
			continue;
		bool match = false;
		if (v2) {
			match = c2 == c1 + 1 && c1 - l == 1 && *l == '0';
		} else {
			for (const char *t = c1 + 1; t < c2;) {
				size_t k = strcspn(t, ",:");
				match |= k == 6 && !strncmp(t, "memory", 6);
				t += k + 1;
			}
		}
		if (match && (size_t)(end - c2) <= n) {
			memcpy(out, c2 + 1, (size_t)(end - c2 - 1));
			out[end - c2 - 1] = 0;
			return true;
		}
	}
	return false;
}

static void cgroup_probe(const char *root, bool v2, struct host_avail *a)
{
	char cgroups[4096], path[1024], mroot[512], mpoint[512], dir[2048];
	char *mi = malloc(65536);	/* mountinfo: too big for the stack */
	if (!mi)
		return;
	if (read_text(root, "/proc/self/cgroup", cgroups, sizeof(cgroups)) &&
	    read_text(root, "/proc/self/mountinfo", mi, 65536) &&
	    cgroup_path(cgroups, v2, path, sizeof(path)) &&
	    cgroup_mount(mi, v2, mroot, mpoint, sizeof(mroot))) {
		/* the path is relative to the hierarchy's root; the mount shows
		 * the part below its own root (a cgroup namespace's, say) */
		const char *rel = path;
		size_t rl = strlen(mroot);
		if (strcmp(mroot, "/")) {
			if (!strncmp(path, mroot, rl) && (path[rl] == '/' || !path[rl]))
				rel = path + rl;
			else
				rel = "";	/* not below the mount: use its top */
		}
		if (!strcmp(rel, "/"))
			rel = "";
		snprintf(dir, sizeof(dir), "%s%s", mpoint, rel);
		cgroup_walk(root, dir, strlen(mpoint), v2 ? &cg_v2 : &cg_v1, a);
	}
	free(mi);
}

void host_mem_probe(const char *root, struct host_avail *a)
{
	*a = (struct host_avail){ .rss = UINT64_MAX, .va = UINT64_MAX, .check = true };
	cgroup_probe(root, true, a);
	cgroup_probe(root, false, a);
	char meminfo[8192];
	if (read_text(root, "/proc/meminfo", meminfo, sizeof(meminfo))) {
		uint64_t kb = text_field(meminfo, "MemAvailable");
		if (kb != UINT64_MAX) {
			char what[128];
			snprintf(what, sizeof(what), "MemAvailable in /proc/meminfo (%llu MiB)",
				 (unsigned long long)(kb >> 10));
			take_rss(a, kb << 10, what);
		}
	}
}

/* An address-space limit less what is mapped now (@status_key of /proc/self/status). */
static void rlimit_probe(struct host_avail *a, int resource, const char *name,
			 const char *status_key)
{
	struct rlimit rl;
	char status[8192];
	if (getrlimit(resource, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return;
	uint64_t kb = read_text("", "/proc/self/status", status, sizeof(status)) ?
			      text_field(status, status_key) : UINT64_MAX;
	uint64_t mapped = kb == UINT64_MAX ? 0 : kb << 10;
	uint64_t left = (uint64_t)rl.rlim_cur - MIN((uint64_t)rl.rlim_cur, mapped);
	if (left < a->va) {
		a->va = left;
		snprintf(a->va_what, sizeof(a->va_what), "%s (%llu MiB, %llu MiB mapped now)", name,
			 (unsigned long long)((uint64_t)rl.rlim_cur >> 20),
			 (unsigned long long)(mapped >> 20));
	}
}

int host_mem_available(struct host_avail *a, char *err, size_t errlen)
{
	host_mem_probe("", a);
	rlimit_probe(a, RLIMIT_AS, "RLIMIT_AS (ulimit -v)", "VmSize");
	rlimit_probe(a, RLIMIT_DATA, "RLIMIT_DATA (ulimit -d)", "VmData");
	const char *v = getenv("NUMASIM_HOST_MEM_LIMIT");
	if (v) {
		uint64_t bytes;
		enum parse_rc rc = parse_size_str(v, &bytes);
		if (rc)
			return errorf(err, errlen, "NUMASIM_HOST_MEM_LIMIT '%s': %s", v,
				      parse_error(rc, "size"));
		char what[128];
		snprintf(what, sizeof(what), "NUMASIM_HOST_MEM_LIMIT (%llu MiB)",
			 (unsigned long long)(bytes >> 20));
		take_rss(a, bytes, what);
	}
	v = getenv("NUMASIM_HOST_MEM_CHECK");
	if (v) {
		if (strcmp(v, "0") && strcmp(v, "1"))
			return errorf(err, errlen, "NUMASIM_HOST_MEM_CHECK '%s': give 0 or 1", v);
		a->check = !strcmp(v, "0") ? false : true;
	}
	return 0;
}

unsigned int host_page_shift(void)
{
	char buf[128];
	if (read_text("", "/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof(buf)) &&
	    strstr(buf, "[always]"))
		return 21;
	long ps = sysconf(_SC_PAGESIZE);
	unsigned int shift = 12;
	while (ps > 0 && (1l << shift) < ps)
		shift++;
	return shift;
}
