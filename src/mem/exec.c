// SPDX-License-Identifier: GPL-2.0-only
/*
 * mem/exec.c - the rest of an address space: text, data, heap and stacks.
 * Models:     linux fs/binfmt_elf.c load_elf_binary (text and data
 *             segments, the brk heap), fs/exec.c setup_arg_pages (the
 *             initial stack: 128 KiB plus the argument pages), glibc's
 *             allocate_stack for pthread_create (an 8 MiB stack under a
 *             PROT_NONE guard page, struct pthread and the TLS at its top).
 * Why:        the NUMA scanner walks every VMA: small, mostly empty ones
 *             cost it virtual-range budget, and each thread stack is a VMA
 *             that only its own thread touches (the per-VMA PID filter),
 *             so scan windows and counters see what the kernel sees.
 * SIMPLIFIED: the text is never populated (instruction fetches and page
 *             cache are not modelled; the scanner skips read-only file
 *             mappings anyway); data and bss are one anonymous mapping;
 *             the layout is fixed (no ASLR); thread stacks come from the
 *             bottom-up mmap allocator, placed so that their top is not
 *             aligned to any folio size (as glibc's 8 MiB + 4 KiB stacks
 *             usually end up), so they get base pages; glibc's stack cache
 *             is not modelled (an exited thread's stack stays mapped).
 */
#include <errno.h>

#include "cpu/access.h"
#include "mem/exec.h"
#include "sim.h"

#define TEXT_START	0x400000ull		/* a non-PIE x86-64 executable */
#define TEXT_SIZE	(1ull << 20)
#define DATA_START	(TEXT_START + TEXT_SIZE + 0x200000ull)
#define DATA_SIZE	(64ull << 10)		/* data and bss */
#define DATA_TOUCHED	2			/* pages libc start-up writes */
#define HEAP_START	(DATA_START + DATA_SIZE + 0x800000ull)	/* brk */
#define HEAP_SIZE	(132ull << 10)		/* glibc's first sbrk: 128 KiB + a page */
#define STACK_TOP	(USER_VA_END - PAGE_SIZE)
#define STACK_SIZE	(132ull << 10)		/* setup_arg_pages: 128 KiB + argument pages */
#define STACK_TOUCHED	3			/* argv, envp, auxv and the first frames */
#define THREAD_STACK_SIZE (8ull << 20)		/* glibc default (RLIMIT_STACK) */

static bool image_enabled(const struct sim *s)
{
	return s->tun.v[T_PROCESS_IMAGE] != 0;
}

void exec_mmap_image(struct sim *s, struct mm_struct *mm, struct task *t)
{
	if (!image_enabled(s))
		return;
	const uint64_t stack_start = STACK_TOP - STACK_SIZE;
	int rc = mmap_region(s, mm, TEXT_START, TEXT_SIZE, VM_READ | VM_EXEC | VM_FILE) ||
		 mmap_region(s, mm, DATA_START, DATA_SIZE, VM_READ | VM_WRITE) ||
		 mmap_region(s, mm, HEAP_START, HEAP_SIZE, VM_READ | VM_WRITE) ||
		 mmap_region(s, mm, stack_start, STACK_SIZE, VM_READ | VM_WRITE);
	VM_BUG_ON(rc);	/* a new, empty address space */
	(void)rc;
	mm->stack_vm_start = stack_start;
	t->stack_top = STACK_TOP;
}

bool exec_vma_is_heap(const struct sim *s, const struct vm_area_struct *vma)
{
	/* without the image there is no brk heap, whatever lies at its address */
	return image_enabled(s) && vma->vm_start <= HEAP_START + HEAP_SIZE &&
	       vma->vm_end >= HEAP_START;
}

int thread_stack_alloc(struct sim *s, struct cpu *cpu, struct task *parent, struct task *t)
{
	if (!image_enabled(s) || !parent->stack_top)
		return 0;
	struct mm_struct *mm = parent->mm;
	/* guard page, stack, and 8 KiB past a PMD boundary so no folio of any
	 * size holds the pages written at its top */
	const uint64_t len = PAGE_SIZE + THREAD_STACK_SIZE;
	uint64_t a = ALIGN_UP(mm->mmap_base, PMD_SIZE) + 2 * PAGE_SIZE;
	int rc = mmap_region(s, mm, a, PAGE_SIZE, 0);	/* the guard: PROT_NONE */
	if (!rc)
		rc = mmap_region(s, mm, a + PAGE_SIZE, THREAD_STACK_SIZE, VM_READ | VM_WRITE);
	if (rc)
		return rc == -EEXIST ? -ENOMEM : rc;
	mm->mmap_base = a + len + PMD_SIZE;
	t->stack_top = a + len;
	/* struct pthread and the static TLS, written by the creating thread */
	return cpu_access(s, cpu, parent, t->stack_top - PAGE_SIZE, ACCESS_STORE) ? 0 : -ENOMEM;
}

static bool touch_range(struct sim *s, struct cpu *cpu, struct task *t, uint64_t start,
			uint32_t pages)
{
	for (uint32_t i = 0; i < pages; i++)
		if (!cpu_access(s, cpu, t, start + i * PAGE_SIZE, ACCESS_STORE))
			return false;
	return true;
}

void task_image_first_run(struct sim *s, struct cpu *cpu, struct task *t)
{
	t->ran = true;
	if (!t->stack_top)
		return;
	if (!t->parent) {
		/* a process's first task (exec): loader, libc start-up, arguments */
		if (touch_range(s, cpu, t, DATA_START, DATA_TOUCHED) &&
		    touch_range(s, cpu, t, HEAP_START, 1))
			touch_range(s, cpu, t, STACK_TOP - STACK_TOUCHED * PAGE_SIZE, STACK_TOUCHED);
		return;
	}
	task_touch_stack(s, cpu, t);	/* a thread's first frame */
}

/* Does the PTE of @addr allow the access without a fault or an A/D update? */
static bool stack_pte_usable(struct mm_struct *mm, uint64_t addr, bool write)
{
	struct pte_table *pt;
	pte_t *p = pte_lookup(mm, addr, &pt);
	return p && pte_valid(*p) && pte_young(*p) && (!write || (pte_write(*p) && pte_dirty(*p)));
}

/*
 * SIMPLIFIED: while its PTEs allow the access, a stack access is a TLB hit
 * that is not modelled (the stack is in use all the time, so its
 * translations stay in the L1 DTLB); only accesses that fault, or set the
 * accessed and dirty bits, go through the TLB and the walk. Modelling every
 * tick's hits would evict sweep entries from the L2 TLB model and defeat its
 * warm-pass shortcut for sweeps that just fit it.
 */
static void touch(struct sim *s, struct cpu *cpu, struct task *t, uint64_t addr, bool write)
{
	if (!stack_pte_usable(t->mm, addr, write))
		cpu_access(s, cpu, t, addr, write ? ACCESS_STORE : ACCESS_LOAD);
}

void task_touch_stack(struct sim *s, struct cpu *cpu, struct task *t)
{
	if (!t->stack_top)
		return;
	/* the current frames, and the top page (TLS, struct pthread, argv) */
	touch(s, cpu, t, t->stack_top - 2 * PAGE_SIZE, true);
	if (!s->failed)
		touch(s, cpu, t, t->stack_top - PAGE_SIZE, false);
}
