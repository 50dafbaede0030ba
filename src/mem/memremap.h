/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mem/memremap.h - device-private memory's owner (Linux include/linux/
 * memremap.h): the driver that made a node's memory ZONE_DEVICE pages
 * (memremap_pages()) gives its dev_pagemap the operations the core calls
 * on them. The fault code reaches the driver only through these: a CPU
 * access to a device-private entry calls pgmap->ops->migrate_to_ram()
 * (do_swap_page()), as lib/test_hmm.c's dmirror_devmem_ops and nouveau's
 * nouveau_dmem_pagemap_ops are called.
 * SIMPLIFIED: one dev_pagemap per device node (Linux: per memremap_pages()
 *             range, found from the page by page_pgmap()); no page_free
 *             (device pages go back to the node's buddy allocator).
 */
#ifndef NUMASIM_MEM_MEMREMAP_H
#define NUMASIM_MEM_MEMREMAP_H

#include "core/compiler.h"
#include "fault/fault.h"

struct vm_fault;

struct dev_pagemap_ops {
	/* A CPU touched a device-private page at vmf->address (a PTE or a
	 * PMD entry): move it, or its whole THP, back to system memory.
	 * FAULT_OOM if no system memory could be had. */
	enum fault_result (*migrate_to_ram)(struct vm_fault *vmf);
};

/* MEMORY_DEVICE_PRIVATE only. */
struct dev_pagemap {
	const struct dev_pagemap_ops *ops;	/* NULL: not ZONE_DEVICE memory */
};

#endif
