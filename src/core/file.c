// SPDX-License-Identifier: GPL-2.0-only
/*
 * core/file.c - result files written whole or not at all (core/file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/err.h"
#include "core/file.h"

/* "@path.tmp.PID": next to @path, so rename() stays within one filesystem. */
static char *temp_name(const char *path)
{
	size_t n = strlen(path) + 32;
	char *t = malloc(n);
	if (t)
		snprintf(t, n, "%s.tmp.%ld", path, (long)getpid());
	return t;
}

int file_probe_writable(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (!path || !*path)
		return errorf(err, errlen, "an empty file name");
	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		return errorf(err, errlen, "is a folder, not a file");
	char *t = temp_name(path);
	if (!t)
		return errorf(err, errlen, "out of host memory");
	int fd = open(t, O_WRONLY | O_CREAT | O_EXCL, 0644);
	int saved = errno;
	if (fd >= 0) {
		close(fd);
		unlink(t);
	}
	free(t);
	if (fd < 0)
		return errorf(err, errlen, "cannot create a file there: %s", strerror(saved));
	return 0;
}

int file_read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	while (len) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int file_write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int file_write_atomic(const char *path, const void *buf, size_t len)
{
	char *t = temp_name(path);
	if (!t) {
		errno = ENOMEM;
		return -1;
	}
	int fd = open(t, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		free(t);
		return -1;
	}
	int rc = file_write_full(fd, buf, len);
	int saved = errno;
	if (close(fd) && !rc) {
		rc = -1;
		saved = errno;
	}
	if (!rc && rename(t, path)) {
		rc = -1;
		saved = errno;
	}
	if (rc)
		unlink(t);
	free(t);
	errno = saved;
	return rc;
}
