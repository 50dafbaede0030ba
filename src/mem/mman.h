/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mem/mman.h - the madvise() advice sys_madvise() (mem/mm.c) takes, as the
 * kernel's uapi MADV_* values (include/uapi/asm-generic/mman-common.h) are
 * what a program passes. Here they are dense, to index name tables, and
 * prefixed MM_ so that a file that also includes <sys/mman.h>
 * (tools/native/exec.c maps them to the host's MADV_*) sees both.
 */
#ifndef NUMASIM_MEM_MMAN_H
#define NUMASIM_MEM_MMAN_H

enum mm_madv {
	MM_MADV_HUGEPAGE,	/* MADV_HUGEPAGE */
	MM_MADV_NOHUGEPAGE,	/* MADV_NOHUGEPAGE */
	MM_MADV_DONTNEED,	/* MADV_DONTNEED */
	MM_MADV_COLD,		/* MADV_COLD */
	MM_MADV_PAGEOUT,	/* MADV_PAGEOUT */
	NR_MM_MADV
};

#endif
