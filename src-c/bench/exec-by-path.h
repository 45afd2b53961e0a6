/*
 * exec-by-path.h: the flags the bench drivers pass spawn_user_spawn for a
 * template, by the USERSPACE backend's own rule (Java:
 * dev.spawn.linux.UserspaceBackend.execsByPath), so that a driver's child
 * does the same exec work as the library's. Exec by path:
 *   - a script, always: execveat cannot run one from a close-on-exec fd;
 *   - an ELF whose path is a symlink (sh -> dash), or any ELF on a kernel
 *     before 6.14: execveat(fd, "", AT_EMPTY_PATH) would name the child
 *     after the link's target, or after a made-up "/dev/fd/N", where
 *     ProcessBuilder's child is named after the path;
 * but keep the held fd for a path that resolves into /proc (/dev/fd/N,
 * /proc/self/cwd/tool): what it names there depends on the fds and working
 * directory the child's actions change before its exec.
 */
#ifndef SPAWN_BENCH_EXEC_BY_PATH_H
#define SPAWN_BENCH_EXEC_BY_PATH_H

#include "../spawn.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Whether absolute `path`, its "." and ".." taken by name (as Java's
 * Path.normalize), lies in /proc. */
static int bench_named_in_proc(const char *path)
{
	char copy[PATH_MAX];
	const char *parts[PATH_MAX / 2];
	char *save = NULL;
	int depth = 0;

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return 1;
	for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
		if (!strcmp(part, ".."))
			depth -= depth > 0;
		else if (strcmp(part, "."))
			parts[depth++] = part;
	}
	return depth > 0 && !strcmp(parts[0], "proc");
}

/* Whether `path` resolves into /proc, link by link: by name first (/proc's
 * own links, such as cwd and fd/N, lead out of /proc), then with its
 * directory resolved. When it cannot tell, the held fd is the safe choice. */
static int bench_resolves_into_proc(const char *path)
{
	char named[PATH_MAX], dir[PATH_MAX], real_dir[PATH_MAX], real[2 * PATH_MAX], target[PATH_MAX];

	if (snprintf(named, sizeof(named), "%s", path) >= (int)sizeof(named))
		return 1;
	for (int links = 0; links < 40; links++) {
		const char *slash = strrchr(named, '/');
		struct stat st;
		ssize_t n;

		if (bench_named_in_proc(named))
			return 1;
		if (!slash)
			return 1;
		snprintf(dir, sizeof(dir), "%.*s", slash == named ? 1 : (int)(slash - named), named);
		if (!realpath(dir, real_dir))
			return 1;
		snprintf(real, sizeof(real), "%s/%s", strcmp(real_dir, "/") ? real_dir : "", slash + 1);
		if (bench_named_in_proc(real))
			return 1;
		if (lstat(real, &st) || !S_ISLNK(st.st_mode))
			return 0;
		n = readlink(real, target, sizeof(target) - 1);
		if (n < 0)
			return 1;
		target[n] = '\0';
		if (snprintf(named, sizeof(named), "%s%s%s", target[0] == '/' ? "" : real_dir,
			     target[0] == '/' ? "" : "/", target) >= (int)sizeof(named))
			return 1;
	}
	return 1;
}

/* Whether the running kernel is major.minor or later; a release that does
 * not start with a number is not (the Java side takes it as unknown). */
static int bench_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int got_major, got_minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &got_major, &got_minor) < 1)
		return 0;
	return got_major > major || (got_major == major && got_minor >= minor);
}

/* spawn_user_spawn's flags for a template of `path` of kind `kind`. */
static int32_t bench_exec_flags(const char *path, int32_t kind)
{
	struct stat st;

	if (kind != SPAWN_KIND_ELF)
		return SPAWN_FLAG_EXEC_BY_PATH;
	if (bench_resolves_into_proc(path))
		return 0;
	if ((!lstat(path, &st) && S_ISLNK(st.st_mode)) || !bench_kernel_at_least(6, 14))
		return SPAWN_FLAG_EXEC_BY_PATH;
	return 0;
}

#endif
