/*
 * GRUB: the menu entry (multiboot2 xen.gz, then one module2 per boot
 * module in module-index order, each with its path as the first word of
 * its command line, as Xen's own GRUB scripts write them), and a bootable
 * ISO made with grub-mkrescue the way scripts/mkiso does it.
 */
#define _XOPEN_SOURCE 700
#include "hyperlaunch.h"
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* One word for grub.cfg: as it is if GRUB takes it literally, else 'quoted'. */
static void put_word(FILE *out, const char *w, size_t n)
{
    bool safe = n > 0;

    for (size_t i = 0; i < n; i++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                    "_.,:/=+@%^-", w[i]))
            safe = false;
    if (safe) {
        fprintf(out, " %.*s", (int)n, w);
        return;
    }
    fputs(" '", out);
    for (size_t i = 0; i < n; i++) {
        if (w[i] == '\'')
            fputs("'\\''", out);
        else
            fputc(w[i], out);
    }
    fputc('\'', out);
}

/* A command line split on blanks, each word quoted on its own. */
static void put_args(FILE *out, const char *s)
{
    while (*s) {
        size_t n;

        while (*s == ' ' || *s == '\t')
            s++;
        n = strcspn(s, " \t");
        if (n)
            put_word(out, s, n);
        s += n;
    }
}

void grub_entry(FILE *out, const struct hl_config *c, const char *xen_args,
                const char *boot_dir)
{
    fputs("menuentry 'Hyperlaunch:", out);
    for (unsigned int i = 0; i < c->nr_domains; i++)
        fprintf(out, " %s", c->domains[i].name);
    fputs("' {\n", out);
    fprintf(out, "    multiboot2 %s/xen.gz", boot_dir);
    put_args(out, xen_args ? xen_args : "");
    fputc('\n', out);
    for (unsigned int i = 0; i < c->nr_modules; i++) {
        const struct hl_module *m = &c->modules[i];
        char path[512];

        snprintf(path, sizeof(path), "%s/%s", boot_dir, m->boot_name);
        fprintf(out, "    module2 %s", path);
        put_args(out, path);
        put_args(out, m->cmdline);
        fputc('\n', out);
    }
    fputs("}\n", out);
}

/* ---- ISO ------------------------------------------------------------------- */

static int copy_file(const char *from, const char *to)
{
    char buf[65536];
    int in = open(from, O_RDONLY), outfd = -1, rc = -1;
    ssize_t n;

    if (in < 0) {
        fprintf(stderr, "hyperlaunch: error: cannot read %s: %s\n", from, strerror(errno));
        return -1;
    }
    outfd = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (outfd < 0)
        goto out;
    while ((n = read(in, buf, sizeof(buf))) > 0)
        if (write(outfd, buf, (size_t)n) != n)
            goto out;
    rc = n < 0 ? -1 : 0;
out:
    if (rc)
        fprintf(stderr, "hyperlaunch: error: copying %s to %s: %s\n", from, to,
                strerror(errno));
    if (outfd >= 0 && close(outfd))
        rc = -1;
    close(in);
    return rc;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

/* grub-mkrescue -o ISO TREE with its chatter in TREE.log, shown only on failure. */
static int run_mkrescue(const char *iso, const char *tree, const char *log)
{
    pid_t pid = fork();
    int status;

    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execlp("grub-mkrescue", "grub-mkrescue", "-o", iso, "--locales=", "--themes=",
               "--fonts=", tree, (char *)NULL);
        fprintf(stderr, "cannot run grub-mkrescue: %s (apt-get install grub-common "
                "grub-pc-bin grub-efi-amd64-bin xorriso mtools)\n", strerror(errno));
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
        FILE *f = fopen(log, "r");
        char buf[2048] = "";
        size_t n = 0;

        fprintf(stderr, "hyperlaunch: error: grub-mkrescue failed; the end of its output:\n");
        if (f && !fseek(f, -(long)sizeof(buf), SEEK_END))
            n = fread(buf, 1, sizeof(buf), f);
        else if (f)
            n = fread(buf, 1, sizeof(buf), f);
        fwrite(buf, 1, n, stderr);
        if (f)
            fclose(f);
        return -1;
    }
    return 0;
}

static int write_grub_cfg(const char *path, const struct hl_config *c, const char *xen_args)
{
    FILE *f = fopen(path, "w");

    if (!f)
        return -1;
    fputs("serial --unit=0 --speed=115200\nterminal_input serial console\n"
          "terminal_output serial console\nset timeout=0\n", f);
    grub_entry(f, c, xen_args, "/boot");
    return fclose(f) ? -1 : 0;
}

int iso_make(const char *iso, const struct hl_config *c, const char *xen,
             const char *xen_args, const char *blob_path)
{
    char tree[] = "/tmp/hyperlaunch-iso.XXXXXX";
    char path[4200], log[4200];
    int rc = -1;

    if (!mkdtemp(tree)) {
        perror("hyperlaunch: mkdtemp");
        return -1;
    }
    snprintf(path, sizeof(path), "%s/boot", tree);
    snprintf(log, sizeof(log), "%s/boot/grub", tree);
    if (mkdir(path, 0755) || mkdir(log, 0755)) {
        fprintf(stderr, "hyperlaunch: error: making %s: %s\n", log, strerror(errno));
        goto out;
    }
    snprintf(path, sizeof(path), "%s/boot/xen.gz", tree);
    if (copy_file(xen, path))
        goto out;
    for (unsigned int i = 0; i < c->nr_modules; i++) {
        const char *from = i == 0 ? blob_path : c->modules[i].path;

        snprintf(path, sizeof(path), "%s/boot/%s", tree, c->modules[i].boot_name);
        if (copy_file(from, path))
            goto out;
    }
    snprintf(path, sizeof(path), "%s/boot/grub/grub.cfg", tree);
    if (write_grub_cfg(path, c, xen_args)) {
        fprintf(stderr, "hyperlaunch: error: writing %s\n", path);
        goto out;
    }
    snprintf(log, sizeof(log), "%s.log", tree);
    rc = run_mkrescue(iso, tree, log);
    if (!rc)
        unlink(log);
out:
    nftw(tree, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return rc;
}
