/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mem/exec.h - what an address space holds besides the workload's own
 * mappings (numasim.process_image): the program's text and data, the brk
 * heap, the main thread's stack, and a stack per thread, each a small VMA
 * that the NUMA scanner walks and its threads touch.
 */
#ifndef NUMASIM_MEM_EXEC_H
#define NUMASIM_MEM_EXEC_H

#include "core/compiler.h"

struct sim;
struct cpu;
struct task;
struct mm_struct;
struct vm_area_struct;

/*
 * exec_mmap_image - the mappings a new program starts with (Linux
 * load_elf_binary and setup_arg_pages): text (file-backed, read-only),
 * data and bss, the heap and the stack. Sets @t's stack. Nothing is
 * populated yet: the task writes its pages when it first runs.
 */
void exec_mmap_image(struct sim *s, struct mm_struct *mm, struct task *t);

/*
 * thread_stack_alloc - glibc's allocate_stack() for pthread_create: the
 * creating task @parent, on @cpu, maps @t's stack (8 MiB below a PROT_NONE
 * guard page) and writes its top page (struct pthread and the TLS).
 * Return 0 or a negative errno.
 */
int thread_stack_alloc(struct sim *s, struct cpu *cpu, struct task *parent, struct task *t);

/*
 * task_image_first_run - what a task writes before its first phase: a
 * process's main task its data, heap and stack pages (the loader, libc
 * start-up, argv and the environment); a thread its first stack frame.
 */
void task_image_first_run(struct sim *s, struct cpu *cpu, struct task *t);

/*
 * task_touch_stack - a running task uses its stack all the time; once per
 * scheduler tick it reads and writes its top stack pages, so a NUMA hint
 * fault or a copy-on-write there is taken as soon as the real program would
 * take it, to within a tick.
 */
void task_touch_stack(struct sim *s, struct cpu *cpu, struct task *t);

/*
 * exec_vma_is_heap - is @vma the brk heap exec_mmap_image() laid out?
 * (Linux vma_is_initial_heap(): it spans [mm->start_brk, mm->brk].) For
 * /proc/PID/numa_maps' "heap" and numastat -p's Heap row (stats/procfs.c).
 */
bool exec_vma_is_heap(const struct sim *s, const struct vm_area_struct *vma);

#endif
