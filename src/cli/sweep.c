// SPDX-License-Identifier: GPL-2.0-only
/*
 * cli/sweep.c - numasim sweep: a grid of runs from a spec file (docs/sweep.md).
 *
 *   numasim sweep SPEC [--out DIR] [--jobs N] [--emit parallel|slurm] [--list]
 *
 * The spec (cli/sweep_spec.c) expands into cells, each one `numasim run ...
 * --json OUT/CELL.json` command of this same program (/proc/self/exe), and
 * OUT/cells.json describes them for `numasim merge` (cli/merge.c). Before
 * anything is written, every machine is resolved and every workload built on
 * every machine, as `numasim run` would, so a bad cell fails before any job
 * exists. Then the cells are
 *   - run here, N at a time, each a child process with its output in
 *     OUT/log/CELL.log; a cell whose result is already complete is skipped, so
 *     a second sweep resumes the first; or
 *   - written out as a job list for GNU parallel (OUT/jobs.txt), or a Slurm
 *     array job (OUT/sweep.sbatch).
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/sweep_spec.h"
#include "core/array.h"
#include "core/err.h"
#include "core/file.h"
#include "core/parse.h"
#include "workload/wlfile.h"

extern char **environ;

#define MAX_JOBS 1024
#define SLURM_DEFAULT_MAX_ARRAY 1001	/* Slurm's default MaxArraySize */

enum emit { EMIT_NONE, EMIT_PARALLEL, EMIT_SLURM };

struct sweep {
	const char *spec_path;
	const char *out_arg;
	uint32_t jobs;		/* 0: not given */
	enum emit emit;
	bool list;
	struct sweep_spec sp;
	struct sweep_grid g;
	char *bin;		/* this program, absolute */
	char *out;		/* the output folder, absolute */
	char **machine_arg;	/* per machine, per workload: what the command passes */
	char **workload_arg;
	char ***argv;		/* per cell, its command */
};

void sweep_usage(FILE *out)
{
	fprintf(out,
		"usage: numasim sweep SPEC [--out DIR] [--jobs N] [--emit parallel|slurm] [--list]\n"
		"Run a grid of simulations a spec file describes (docs/sweep.md): machines x\n"
		"workloads x tunable combinations x seeds, one `numasim run --json` per cell.\n"
		"  --out DIR          where results go (default: the spec's out:); DIR/cells.json\n"
		"                     describes the cells, DIR/CELL.json is each one's result\n"
		"  --jobs N           run the cells here, N at a time (default 1); a cell whose\n"
		"                     result is complete is skipped, so running again resumes\n"
		"  --emit parallel    write DIR/jobs.txt, one command a line, for GNU parallel\n"
		"  --emit slurm       write DIR/sweep.sbatch, a Slurm array job, one task a cell\n"
		"  --list             print the cells and their commands; write nothing\n"
		"Then `numasim merge DIR` tabulates the results. Exit status: 2 for a bad spec,\n"
		"1 if a cell failed (its log is DIR/log/CELL.log), else 0.\n");
}

/* ---- strings ---- */

/* Characters a POSIX shell takes literally outside quotes. */
static bool shell_safe(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr("_./=:,+-@%", *s)))
			return false;
	return true;
}

/* @s as one shell word: as is when safe, else in single quotes (' as '\''). */
static void put_shell_word(FILE *f, const char *s)
{
	if (shell_safe(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

static void put_command(FILE *f, char *const *argv)
{
	for (size_t i = 0; argv[i]; i++) {
		if (i)
			fputc(' ', f);
		put_shell_word(f, argv[i]);
	}
}

/* ---- options ---- */

static int parse_jobs(struct sweep *w, const char *arg)
{
	uint64_t n;
	if (parse_u64_str(arg, 1, MAX_JOBS, &n))
		return cli_bad("--jobs '%s': give a number of processes from 1 to %d", arg, MAX_JOBS);
	w->jobs = (uint32_t)n;
	return 0;
}

static int parse_sweep_options(int argc, char **argv, struct sweep *w)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "emit", required_argument, NULL, 'e' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t seen = 0;
	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, ":", longopts, NULL);
		if (c == -1)
			break;
		switch (c) {
		case 'o':
			if (cli_once_arg(&seen, c, "--out", optarg, &w->out_arg))
				return 2;
			break;
		case 'j':
			if (cli_once(&seen, c, "--jobs") || parse_jobs(w, optarg))
				return 2;
			break;
		case 'e':
			if (cli_once(&seen, c, "--emit"))
				return 2;
			if (!strcmp(optarg, "parallel"))
				w->emit = EMIT_PARALLEL;
			else if (!strcmp(optarg, "slurm"))
				w->emit = EMIT_SLURM;
			else
				return cli_bad("--emit '%s': expected parallel or slurm", optarg);
			break;
		case 'l': w->list = true; break;
		case 'h': sweep_usage(stdout); exit(0);
		case ':': return cli_bad("option '%s' needs a value", argv[optind - 1]);
		default: return cli_unknown_option(longopts, argv[optind - 1], "numasim sweep --help");
		}
	}
	if (cli_one_operand(argc, argv, "sweep: which spec file? (numasim sweep SPEC; see numasim "
			    "sweep --help)", &w->spec_path))
		return 2;
	if (w->list && w->emit)
		return cli_bad("--list and --emit: give one");
	return 0;
}

/* ---- resolving machines and workloads ---- */

static bool is_preset(const char *name)
{
	for (int i = 0; machine_preset_names[i]; i++)
		if (!strcmp(machine_preset_names[i], name))
			return true;
	return false;
}

static char *spec_dir(const char *spec)
{
	const char *slash = strrchr(spec, '/');
	char *dir = cli_xstrdup(spec);
	dir[slash ? (size_t)(slash - spec) + 1 : 0] = '\0';
	return dir;
}

/*
 * A relative file name of the spec, made absolute: found next to the spec
 * first, then in the current folder (what a command line would mean);
 * neither: as written, for the check to name it.
 */
static char *resolve_file(const char *dir, const char *v)
{
	char buf[PATH_MAX];
	if (v[0] == '/')
		return cli_xstrdup(v);
	char *near = cli_xasprintf("%s%s", dir, v);
	const char *found = !access(near, F_OK) ? near : !access(v, F_OK) ? v : NULL;
	char *r = found && realpath(found, buf) ? cli_xstrdup(buf) : cli_xstrdup(v);
	free(near);
	return r;
}

static char *absolute(const char *path)
{
	char cwd[PATH_MAX];
	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return cli_xstrdup(path);
	return cli_xasprintf("%s/%s", cwd, path);
}

/*
 * Resolve every machine and build every workload on every machine, at the
 * spec's scale and first seed, as `numasim run` would (cli_setup()): a bad
 * name or file is reported with the spec's line.
 */
static int check_cells(struct sweep *w)
{
	const struct sweep_spec *sp = &w->sp;
	char *dir = spec_dir(sp->file), err[1024];
	double scale = 1.0;
	int rc = 0;

	if (sp->scale.s)
		parse_double_str(sp->scale.s, &scale);
	w->machine_arg = calloc(sp->nr_machines, sizeof(char *));
	w->workload_arg = calloc(sp->nr_workloads, sizeof(char *));
	struct machine *m = calloc(1, sizeof(*m));
	if (!w->machine_arg || !w->workload_arg || !m) {
		free(dir);
		free(m);
		return cli_bad("out of host memory");
	}
	for (uint32_t j = 0; j < sp->nr_workloads; j++)
		w->workload_arg[j] = wlfile_may_be_file(sp->workloads[j].s)
			? resolve_file(dir, sp->workloads[j].s) : cli_xstrdup(sp->workloads[j].s);
	for (uint32_t i = 0; i < sp->nr_machines && !rc; i++) {
		const struct sweep_val *mv = &sp->machines[i];
		w->machine_arg[i] = is_preset(mv->s) ? cli_xstrdup(mv->s) : resolve_file(dir, mv->s);
		if (machine_resolve(m, w->machine_arg[i], err, sizeof(err))) {
			rc = cli_bad("%s:%u: key 'machines[%u]': %s", sp->file, mv->line, i, err);
			break;
		}
		for (uint32_t j = 0; j < sp->nr_workloads && !rc; j++) {
			struct workload wl;
			if (workload_build(&wl, w->workload_arg[j], m, scale, sp->seeds[0], err,
					   sizeof(err))) {
				rc = cli_bad("%s:%u: key 'workloads[%u]': on machine '%s': %s", sp->file,
					     sp->workloads[j].line, j, mv->s, err);
				break;
			}
			workload_free(&wl);
		}
	}
	free(m);
	free(dir);
	return rc;
}

/* ---- the commands ---- */

struct argv_build {
	char **v;
	size_t nr, cap;
};

static void push_arg(struct argv_build *a, char *s)
{
	ARRAY_GROW(a->v, a->cap, a->nr, 16);
	a->v[a->nr++] = s;
}

static void push_set(void *arg, const char *key, const char *value)
{
	push_arg(arg, cli_xstrdup("--set"));
	push_arg(arg, cli_xasprintf("%s=%s", key, value));
}

static char *cell_json(const struct sweep *w, const struct sweep_cell *c)
{
	return cli_xasprintf("%s/%s.json", w->out, c->name);
}

static char **cell_argv(const struct sweep *w, const struct sweep_cell *c)
{
	struct argv_build a = { 0 };
	push_arg(&a, cli_xstrdup(w->bin));
	push_arg(&a, cli_xstrdup("run"));
	push_arg(&a, cli_xstrdup("--machine"));
	push_arg(&a, cli_xstrdup(w->machine_arg[c->machine]));
	push_arg(&a, cli_xstrdup("--workload"));
	push_arg(&a, cli_xstrdup(w->workload_arg[c->workload]));
	if (w->sp.scale.s) {
		push_arg(&a, cli_xstrdup("--scale"));
		push_arg(&a, cli_xstrdup(w->sp.scale.s));
	}
	push_arg(&a, cli_xstrdup("--seed"));
	push_arg(&a, cli_xasprintf("%llu", (unsigned long long)c->seed));
	sweep_combo_settings(&w->sp, &w->g.combos[c->combo], push_set, &a);
	push_arg(&a, cli_xstrdup("--quiet"));
	push_arg(&a, cli_xstrdup("--json"));
	push_arg(&a, cell_json(w, c));
	push_arg(&a, NULL);
	return a.v;
}

static void free_argv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* ---- OUT/cells.json ---- */

static void add_setting(void *arg, const char *key, const char *value)
{
	json_object_object_add(arg, key, json_object_new_string(value));
}

/* A combination's own settings (the variant's and the axes'), without set:. */
static json_object *combo_settings_json(const struct sweep_spec *sp, const struct sweep_combo *co)
{
	json_object *o = json_object_new_object();
	struct sweep_spec own = *sp;
	own.nr_set = 0;
	sweep_combo_settings(&own, co, add_setting, o);
	return o;
}

static json_object *cell_json_entry(const struct sweep *w, uint32_t i)
{
	const struct sweep_cell *c = &w->g.cells[i];
	const struct sweep_spec *sp = &w->sp;
	json_object *e = json_object_new_object(), *cmd = json_object_new_array();
	double scale = 1.0;
	if (sp->scale.s)
		parse_double_str(sp->scale.s, &scale);
	json_object_object_add(e, "index", json_object_new_int64(i));
	json_object_object_add(e, "name", json_object_new_string(c->name));
	json_object_object_add(e, "group", json_object_new_string(c->group));
	json_object_object_add(e, "machine", json_object_new_string(sp->machines[c->machine].s));
	json_object_object_add(e, "workload", json_object_new_string(sp->workloads[c->workload].s));
	json_object_object_add(e, "scale", json_object_new_double_s(scale, sp->scale.s ? sp->scale.s : "1"));
	json_object_object_add(e, "seed", json_object_new_uint64(c->seed));
	json_object_object_add(e, "variant", json_object_new_string(w->g.combos[c->combo].name));
	json_object_object_add(e, "tunables", combo_settings_json(sp, &w->g.combos[c->combo]));
	char *json = cli_xasprintf("%s.json", c->name);
	json_object_object_add(e, "json", json_object_new_string(json));
	free(json);
	for (size_t k = 0; w->argv[i][k]; k++)
		json_object_array_add(cmd, json_object_new_string(w->argv[i][k]));
	json_object_object_add(e, "command", cmd);
	return e;
}

static int write_text(const char *path, const char *text, size_t len)
{
	if (file_write_atomic(path, text, len))
		return cli_bad("cannot write '%s': %s", path, strerror(errno));
	return 0;
}

static int write_index(const struct sweep *w)
{
	json_object *root = json_object_new_object(), *cells = json_object_new_array(), *set;
	json_object_object_add(root, "numasim_sweep", json_object_new_int(1));
	json_object_object_add(root, "version", json_object_new_string(NUMASIM_VERSION));
	json_object_object_add(root, "spec", json_object_new_string(w->sp.file));
	set = json_object_new_object();
	for (uint32_t i = 0; i < w->sp.nr_set; i++)
		add_setting(set, w->sp.set[i].key.s, w->sp.set[i].value.s);
	json_object_object_add(root, "set", set);
	for (uint32_t i = 0; i < w->g.nr_cells; i++)
		json_object_array_add(cells, cell_json_entry(w, i));
	json_object_object_add(root, "cells", cells);
	const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE);
	char *path = cli_xasprintf("%s/cells.json", w->out), *body = cli_xasprintf("%s\n", text);
	int rc = write_text(path, body, strlen(body));
	free(body);
	free(path);
	json_object_put(root);
	return rc;
}

/* ---- emitting jobs ---- */

static long online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? n : 1;
}

static int emit_parallel(const struct sweep *w)
{
	char *buf = NULL, *path = cli_xasprintf("%s/jobs.txt", w->out);
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return cli_bad("out of host memory");
	for (uint32_t i = 0; i < w->g.nr_cells; i++) {
		put_command(f, w->argv[i]);
		fputc('\n', f);
	}
	fclose(f);
	int rc = write_text(path, buf, len);
	if (!rc) {
		printf("%u cells: %s\nrun them with:\n  parallel --joblog ", w->g.nr_cells, path);
		char *joblog = cli_xasprintf("%s/joblog", w->out);
		put_shell_word(stdout, joblog);
		printf(" --resume -j %ld < ", w->jobs ? (long)w->jobs : online_cpus());
		put_shell_word(stdout, path);
		printf("\nthen: numasim merge ");
		put_shell_word(stdout, w->out);
		putchar('\n');
		free(joblog);
	}
	free(buf);
	free(path);
	return rc;
}

/* A job name Slurm shows: numasim-SPEC (the spec's base name). */
static void slurm_job_name(const struct sweep *w, char *out, size_t len)
{
	char part[SWEEP_MAX_NAME + 1];
	sweep_name_part(w->sp.file, part, sizeof(part), 1);
	snprintf(out, len, "numasim-%s", part);
}

static int emit_slurm(const struct sweep *w)
{
	char *buf = NULL, *path = cli_xasprintf("%s/sweep.sbatch", w->out), name[96];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return cli_bad("out of host memory");
	slurm_job_name(w, name, sizeof(name));
	fprintf(f, "#!/bin/bash\n"
		"# A Slurm array job written by numasim %s sweep: one task per cell of\n"
		"# %s (%s/cells.json lists them). Submit with: sbatch %s\n"
		"#SBATCH --job-name=%s\n"
		"#SBATCH --array=0-%u\n"
		"#SBATCH --ntasks=1\n"
		"#SBATCH --cpus-per-task=1\n"
		"#SBATCH --output=%s/log/slurm-%%a.log\n"
		"set -u\n"
		"task=${SLURM_ARRAY_TASK_ID:?not set: submit this script with sbatch}\n"
		"case \"$task\" in\n", NUMASIM_VERSION, w->sp.file, w->out, path, name, w->g.nr_cells - 1,
		w->out);
	for (uint32_t i = 0; i < w->g.nr_cells; i++) {
		fprintf(f, "%u) exec ", i);
		put_command(f, w->argv[i]);
		fputs(" ;;\n", f);
	}
	fprintf(f, "*) echo \"numasim sweep: no cell $task (0..%u)\" >&2; exit 2 ;;\nesac\n",
		w->g.nr_cells - 1);
	fclose(f);
	int rc = write_text(path, buf, len);
	if (!rc) {
		printf("%u cells: %s\nsubmit it with:\n  sbatch ", w->g.nr_cells, path);
		put_shell_word(stdout, path);
		printf("\nthen: numasim merge ");
		put_shell_word(stdout, w->out);
		putchar('\n');
		if (w->g.nr_cells > SLURM_DEFAULT_MAX_ARRAY)
			err_print("numasim sweep", "warning: %u tasks in one array: Slurm's default "
				  "MaxArraySize is %d (submit ranges: sbatch --array=0-999 ...)",
				  w->g.nr_cells, SLURM_DEFAULT_MAX_ARRAY);
	}
	free(buf);
	free(path);
	return rc;
}

/* ---- running here ---- */

/*
 * Is the result at @path complete: a numasim result, neither failed nor
 * interrupted? (A failed or interrupted run still writes its JSON.)
 */
static bool sweep_result_done(const char *path)
{
	char err[256];
	struct stat st;
	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return false;
	json_object *r = cli_read_json_file(path, err, sizeof(err)), *v;
	bool done = r && !cli_check_result(r, err, sizeof(err)) &&
		    !json_object_object_get_ex(r, "interrupted", NULL) &&
		    json_object_object_get_ex(r, "failed", &v) && !json_object_get_boolean(v);
	json_object_put(r);
	return done;
}

struct slot {
	pid_t pid;		/* 0: free */
	uint32_t cell;
	struct timespec t0;
};

static int spawn_cell(const struct sweep *w, uint32_t i, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	char *log = cli_xasprintf("%s/log/%s.log", w->out, w->g.cells[i].name);
	int rc = posix_spawn_file_actions_init(&fa);
	if (!rc)
		rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!rc)
		rc = posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (!rc)
		rc = posix_spawn_file_actions_adddup2(&fa, 1, 2);
	if (!rc)
		rc = posix_spawn(pid, w->bin, &fa, NULL, w->argv[i], environ);
	posix_spawn_file_actions_destroy(&fa);
	free(log);
	return rc;
}

static double since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

struct run_state {
	struct slot *slots;
	uint32_t running, done, failed, skipped, nr_todo;
	bool stopping;
};

/* A child ended: say how, count it. */
static void reap(const struct sweep *w, struct run_state *st, struct slot *s, int status)
{
	const struct sweep_cell *c = &w->g.cells[s->cell];
	char *json = cell_json(w, c);
	bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && sweep_result_done(json);
	st->done++;
	if (ok) {
		printf("[%u/%u] %s: ok (%.1f s)\n", st->done, st->nr_todo, c->name, since(&s->t0));
	} else {
		st->failed++;
		if (st->stopping || cli_interrupted())
			err_print("numasim sweep", "[%u/%u] cell %u %s: stopped (interrupted)",
				  st->done, st->nr_todo, s->cell, c->name);
		else if (WIFSIGNALED(status))
			err_print("numasim sweep", "[%u/%u] cell %u %s: killed by signal %d: see "
				  "%s/log/%s.log", st->done, st->nr_todo, s->cell, c->name,
				  WTERMSIG(status), w->out, c->name);
		else
			err_print("numasim sweep", "[%u/%u] cell %u %s: failed (exit %d): see "
				  "%s/log/%s.log", st->done, st->nr_todo, s->cell, c->name,
				  WIFEXITED(status) ? WEXITSTATUS(status) : -1, w->out, c->name);
	}
	fflush(stdout);
	free(json);
	s->pid = 0;
	st->running--;
}

/* Wait for one child; on an interrupt, pass SIGTERM on to the running ones (once). */
static void wait_one(const struct sweep *w, struct run_state *st, uint32_t nr_slots)
{
	int status;
	pid_t pid = waitpid(-1, &status, 0);
	if (pid < 0) {
		if (errno == ECHILD)
			st->running = 0;
		if (cli_interrupted() && !st->stopping) {
			st->stopping = true;
			for (uint32_t k = 0; k < nr_slots; k++)
				if (st->slots[k].pid)
					kill(st->slots[k].pid, SIGTERM);
		}
		return;
	}
	for (uint32_t k = 0; k < nr_slots; k++)
		if (st->slots[k].pid == pid)
			reap(w, st, &st->slots[k], status);
}

static int run_local(const struct sweep *w)
{
	uint32_t nr_slots = w->jobs ? w->jobs : 1;
	struct run_state st = { .slots = calloc(nr_slots, sizeof(struct slot)) };
	bool *todo = calloc(w->g.nr_cells, sizeof(bool));
	if (!st.slots || !todo)
		return cli_bad("out of host memory");
	for (uint32_t i = 0; i < w->g.nr_cells; i++) {
		char *json = cell_json(w, &w->g.cells[i]);
		todo[i] = !sweep_result_done(json);
		st.nr_todo += todo[i];
		st.skipped += !todo[i];
		free(json);
	}
	if (st.skipped)
		printf("%u of %u cells already done: skipped\n", st.skipped, w->g.nr_cells);
	fflush(stdout);
	for (uint32_t i = 0; i < w->g.nr_cells || st.running;) {
		if (i < w->g.nr_cells && !todo[i]) {
			i++;
			continue;
		}
		if (i < w->g.nr_cells && st.running < nr_slots && !cli_interrupted()) {
			struct slot *s = st.slots;
			while (s->pid)
				s++;
			s->cell = i;
			clock_gettime(CLOCK_MONOTONIC, &s->t0);
			int err = spawn_cell(w, i, &s->pid);
			if (err) {
				s->pid = 0;
				st.done++;
				st.failed++;
				err_print("numasim sweep", "cell %u %s: cannot start %s: %s", i,
					  w->g.cells[i].name, w->bin, strerror(err));
			} else {
				st.running++;
			}
			i++;
			continue;
		}
		if (!st.running)
			break;	/* interrupted with nothing left running */
		wait_one(w, &st, nr_slots);
	}
	free(st.slots);
	free(todo);
	if (cli_interrupted()) {
		err_print("numasim sweep", "interrupted: %u of %u cells finished; run the sweep "
			  "again to resume", st.done - st.failed, st.nr_todo);
		return 128 + cli_interrupted();
	}
	printf("%u cells: %u run, %u already done, %u failed\n", w->g.nr_cells,
	       st.done - st.failed, st.skipped, st.failed);
	return st.failed ? 1 : 0;
}

static void print_list(const struct sweep *w)
{
	for (uint32_t i = 0; i < w->g.nr_cells; i++) {
		printf("%u %s: ", i, w->g.cells[i].name);
		put_command(stdout, w->argv[i]);
		putchar('\n');
	}
}

/* ---- the command ---- */

/* mkdir -p @dir */
static int make_dirs(const char *dir)
{
	char *p = cli_xstrdup(dir);
	int rc = 0;
	for (char *q = p + 1; !rc; q++) {
		if (*q != '/' && *q)
			continue;
		char c = *q;
		*q = 0;
		if (mkdir(p, 0777) && errno != EEXIST)
			rc = -1;
		*q = c;
		if (!c)
			break;
	}
	free(p);
	struct stat st;
	if (!rc && (stat(dir, &st) || !S_ISDIR(st.st_mode))) {
		if (!errno || S_ISREG(st.st_mode))
			errno = ENOTDIR;
		rc = -1;
	}
	return rc;
}

static int find_out(struct sweep *w)
{
	if (w->out_arg) {
		w->out = absolute(w->out_arg);
	} else if (w->sp.out.s) {
		/* out: is relative to the spec, like its files */
		char *dir = spec_dir(w->sp.file), *rel = cli_xasprintf("%s%s", dir, w->sp.out.s);
		w->out = w->sp.out.s[0] == '/' ? cli_xstrdup(w->sp.out.s) : absolute(rel);
		free(rel);
		free(dir);
	} else if (w->list) {
		w->out = cli_xstrdup("OUT");	/* a dry run: where the results would go */
	} else {
		return cli_bad("%s: where do the results go? give --out DIR (or out: DIR in the spec)",
			       w->sp.file);
	}
	size_t n = strlen(w->out);
	while (n > 1 && w->out[n - 1] == '/')
		w->out[--n] = '\0';
	if (w->list)
		return 0;
	char *logdir = cli_xasprintf("%s/log", w->out);
	int rc = 0;
	if (make_dirs(w->out) || make_dirs(logdir))
		rc = cli_bad("--out '%s': cannot create: %s", w->out, strerror(errno));
	free(logdir);
	return rc;
}

static int self_path(struct sweep *w)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0)
		return cli_bad("cannot find this program's path (/proc/self/exe): %s", strerror(errno));
	buf[n] = '\0';
	w->bin = cli_xstrdup(buf);
	return 0;
}

static int prepare(struct sweep *w)
{
	char err[1024];
	if (sweep_spec_load(&w->sp, w->spec_path, err, sizeof(err)) ||
	    sweep_expand(&w->g, &w->sp, err, sizeof(err)))
		return cli_bad("%s", err);
	int rc = check_cells(w);
	if (!rc)
		rc = self_path(w);
	if (!rc)
		rc = find_out(w);
	if (rc)
		return rc;
	w->argv = calloc(w->g.nr_cells, sizeof(*w->argv));
	if (!w->argv)
		return cli_bad("out of host memory");
	for (uint32_t i = 0; i < w->g.nr_cells; i++)
		w->argv[i] = cell_argv(w, &w->g.cells[i]);
	return 0;
}

static void sweep_free(struct sweep *w)
{
	for (uint32_t i = 0; w->argv && i < w->g.nr_cells; i++)
		free_argv(w->argv[i]);
	free(w->argv);
	for (uint32_t i = 0; w->machine_arg && i < w->sp.nr_machines; i++)
		free(w->machine_arg[i]);
	for (uint32_t i = 0; w->workload_arg && i < w->sp.nr_workloads; i++)
		free(w->workload_arg[i]);
	free(w->machine_arg);
	free(w->workload_arg);
	free(w->bin);
	free(w->out);
	sweep_grid_free(&w->g);
	sweep_spec_free(&w->sp);
}

int cmd_sweep(int argc, char **argv)
{
	struct sweep w = { 0 };
	int rc = parse_sweep_options(argc, argv, &w);
	if (!rc)
		rc = prepare(&w);
	if (!rc && w.list)
		print_list(&w);
	else if (!rc)
		rc = write_index(&w);
	if (!rc && !w.list) {
		if (w.emit == EMIT_PARALLEL)
			rc = emit_parallel(&w);
		else if (w.emit == EMIT_SLURM)
			rc = emit_slurm(&w);
		else
			rc = run_local(&w);
	}
	sweep_free(&w);
	return rc;
}
