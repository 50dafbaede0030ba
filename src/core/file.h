/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core/file.h - writing result files whole or not at all.
 *
 * A result is written to a temporary file in the same folder and renamed
 * over the destination only once every byte is written, so a reader never
 * sees half a file: a full disk, a file-size limit or a crash part way
 * leaves the old file (or none), never a truncated one.
 */
#ifndef NUMASIM_CORE_FILE_H
#define NUMASIM_CORE_FILE_H

#include <stddef.h>

/*
 * Can a file be written at @path? Checked before a long run, so a bad
 * output path fails at once: @path is not empty, not a folder, and a file
 * can be created in its folder (tried, then removed). Return 0, or -1 with
 * the reason in @err.
 */
int file_probe_writable(const char *path, char *err, size_t errlen);

/*
 * Write @len bytes of @buf to @path through a temporary file in the same
 * folder renamed over it. Return 0, or -1 with errno set; on failure the
 * temporary file is removed and @path is untouched.
 */
int file_write_atomic(const char *path, const void *buf, size_t len);

/* Read or write exactly @len bytes on @fd, retrying after EINTR and short
 * transfers; -1 on an error or an early end of file. */
int file_read_full(int fd, void *buf, size_t len);
int file_write_full(int fd, const void *buf, size_t len);

#endif
