/*
 * The xl.cfg grammar (as xl(1) reads it): `KEY = VALUE` settings ended by a
 * newline or ';'; VALUE is a number, a 'single' or "double" quoted string,
 * or a [list] of those that may span lines; '#' starts a comment.  Every
 * error names file:line:column and what was expected there.
 */
#include "hyperlaunch.h"
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

unsigned int hl_nr_errors;

static void vmsg(const struct hl_pos *pos, const char *kind, const char *fmt, va_list ap)
{
    if (pos && pos->line)
        fprintf(stderr, "%s:%d:%d: %s: ", pos->file, pos->line, pos->col, kind);
    else if (pos)
        fprintf(stderr, "%s: %s: ", pos->file, kind);
    else
        fprintf(stderr, "hyperlaunch: %s: ", kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void hl_error(const struct hl_pos *pos, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg(pos, "error", fmt, ap);
    va_end(ap);
    hl_nr_errors++;
}

void hl_warn(const struct hl_pos *pos, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg(pos, "warning", fmt, ap);
    va_end(ap);
}

/* The scanner: a cursor over the text that knows its line and column. */
struct scan {
    const char *path;
    const char *p;
    int line, col;
};

static struct hl_pos here(const struct scan *s)
{
    struct hl_pos pos = { s->path, s->line, s->col };

    return pos;
}

static void advance(struct scan *s)
{
    if (*s->p == '\n') {
        s->line++;
        s->col = 1;
    } else {
        s->col++;
    }
    s->p++;
}

/* Describe the character at the cursor for "expected X, found Y". */
static const char *found(const struct scan *s, char *buf, size_t len)
{
    if (*s->p == '\0')
        return "end of file";
    if (*s->p == '\n')
        return "end of line";
    if ((unsigned char)*s->p < 0x20 || (unsigned char)*s->p >= 0x7f)
        snprintf(buf, len, "byte 0x%02x", (unsigned char)*s->p);
    else
        snprintf(buf, len, "'%c'", *s->p);
    return buf;
}

static int expected(struct scan *s, const char *what)
{
    char buf[16];
    struct hl_pos pos = here(s);

    hl_error(&pos, "expected %s, found %s", what, found(s, buf, sizeof(buf)));
    return -1;
}

/* Skip blanks and a comment; newlines too when `nl` (inside a list). */
static void skip_space(struct scan *s, bool nl)
{
    for (;;) {
        if (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || (nl && *s->p == '\n')) {
            advance(s);
        } else if (*s->p == '#') {
            while (*s->p && *s->p != '\n')
                advance(s);
        } else {
            return;
        }
    }
}

static bool is_ident(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

static char *xstrndup(const char *p, size_t n)
{
    char *r = malloc(n + 1);

    if (!r) {
        perror("hyperlaunch");
        exit(2);
    }
    memcpy(r, p, n);
    r[n] = 0;
    return r;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* One escape after a backslash in a "string"; appends to out. */
static int scan_escape(struct scan *s, char *out, size_t *n)
{
    struct hl_pos pos = here(s);
    char c = *s->p;
    int hi, lo;

    switch (c) {
    case 'n': out[(*n)++] = '\n'; break;
    case 't': out[(*n)++] = '\t'; break;
    case 'r': out[(*n)++] = '\r'; break;
    case '\\': case '"': case '\'': out[(*n)++] = c; break;
    case 'x':
        hi = hexval(s->p[1]);
        lo = hi < 0 ? -1 : hexval(s->p[2]);
        if (lo < 0 || (hi == 0 && lo == 0)) {
            hl_error(&pos, "expected two hex digits (not 00) after \\x");
            return -1;
        }
        out[(*n)++] = (char)(hi * 16 + lo);
        advance(s);
        advance(s);
        break;
    default:
        hl_error(&pos, "unknown escape \\%c (use \\n \\t \\r \\\\ \\\" \\' or \\xHH)",
                 c >= 0x20 && c < 0x7f ? c : '?');
        return -1;
    }
    advance(s);
    return 0;
}

static int scan_string(struct scan *s, struct hl_value *v)
{
    char quote = *s->p;
    struct hl_pos start = here(s);
    size_t n = 0;
    char *out = malloc(strlen(s->p) + 1);

    if (!out) {
        perror("hyperlaunch");
        exit(2);
    }
    advance(s);
    while (*s->p != quote) {
        if (*s->p == '\0' || *s->p == '\n') {
            hl_error(&start, "unterminated string: expected %c before the end of the line",
                     quote);
            free(out);
            return -1;
        }
        if (quote == '"' && *s->p == '\\') {
            advance(s);
            if (scan_escape(s, out, &n)) {
                free(out);
                return -1;
            }
            continue;
        }
        out[n++] = *s->p;
        advance(s);
    }
    advance(s);
    out[n] = 0;
    v->type = HL_STRING;
    v->text = out;
    return 0;
}

/* A number as xl writes them: decimal or 0x hex. */
static int scan_number(struct scan *s, struct hl_value *v)
{
    const char *start = s->p;
    struct hl_pos pos = here(s);
    char *end;

    while (is_ident(*s->p, false))
        advance(s);
    v->type = HL_NUMBER;
    v->text = xstrndup(start, (size_t)(s->p - start));
    errno = 0;
    (void)strtoull(v->text, &end, 0);
    if (*end || errno || (v->text[0] == '0' && v->text[1] && v->text[1] != 'x' &&
                          v->text[1] != 'X')) {
        hl_error(&pos, "expected a number (decimal, or hex with 0x), found \"%s\"", v->text);
        return -1;
    }
    return 0;
}

static int scan_atom(struct scan *s, struct hl_value *v)
{
    v->pos = here(s);
    if (*s->p == '"' || *s->p == '\'')
        return scan_string(s, v);
    if (*s->p >= '0' && *s->p <= '9')
        return scan_number(s, v);
    return expected(s, "a value: a number, a 'string' or a [list]");
}

static int scan_list(struct scan *s, struct hl_value *v)
{
    struct hl_pos open = here(s);
    unsigned int cap = 0;

    v->type = HL_LIST;
    advance(s);
    for (;;) {
        skip_space(s, true);
        if (*s->p == ']')
            break;
        if (*s->p == '\0') {
            hl_error(&open, "unterminated list: expected ']' to close this '['");
            return -1;
        }
        if (*s->p == '[')
            return expected(s, "a number or a 'string' (lists do not nest)");
        if (v->nr_items == cap) {
            cap = cap ? 2 * cap : 4;
            v->items = realloc(v->items, cap * sizeof(*v->items));
            if (!v->items) {
                perror("hyperlaunch");
                exit(2);
            }
        }
        memset(&v->items[v->nr_items], 0, sizeof(*v->items));
        v->nr_items++;                  /* counted even if bad: freed with the rest */
        if (scan_atom(s, &v->items[v->nr_items - 1]))
            return -1;
        skip_space(s, true);
        if (*s->p == ',') {
            advance(s);
            continue;
        }
        if (*s->p != ']') {
            char what[96];

            snprintf(what, sizeof(what), "',' or ']' after a list item (the list opened at "
                     "line %d, column %d)", open.line, open.col);
            return expected(s, what);
        }
    }
    advance(s);
    return 0;
}

static int scan_setting(struct scan *s, struct hl_setting *st)
{
    const char *start = s->p;

    st->pos = here(s);
    if (!is_ident(*s->p, true))
        return expected(s, "a setting name (like memory or kernel)");
    while (is_ident(*s->p, false))
        advance(s);
    st->key = xstrndup(start, (size_t)(s->p - start));
    skip_space(s, false);
    if (*s->p != '=')
        return expected(s, "'=' after the setting name");
    advance(s);
    skip_space(s, false);
    st->val.pos = here(s);
    if (*s->p == '[') {
        if (scan_list(s, &st->val))
            return -1;
    } else if (scan_atom(s, &st->val)) {
        return -1;
    }
    skip_space(s, false);
    if (*s->p == ';')
        advance(s);
    else if (*s->p && *s->p != '\n')
        return expected(s, "the end of the line or ';' after the value");
    return 0;
}

struct hl_setting *xlcfg_get(struct hl_file *f, const char *key)
{
    for (unsigned int i = 0; i < f->nr; i++) {
        if (!strcmp(f->settings[i].key, key)) {
            f->settings[i].used = true;
            return &f->settings[i];
        }
    }
    return NULL;
}

int xlcfg_parse(const char *path, const char *text, struct hl_file *f)
{
    struct scan s = { path, text, 1, 1 };
    unsigned int cap = 0;

    memset(f, 0, sizeof(*f));
    f->path = path;
    for (;;) {
        struct hl_setting *st;

        skip_space(&s, true);
        while (*s.p == ';') {
            advance(&s);
            skip_space(&s, true);
        }
        if (*s.p == '\0')
            return 0;
        if (f->nr == cap) {
            cap = cap ? 2 * cap : 16;
            f->settings = realloc(f->settings, cap * sizeof(*f->settings));
            if (!f->settings) {
                perror("hyperlaunch");
                exit(2);
            }
        }
        st = &f->settings[f->nr];
        memset(st, 0, sizeof(*st));
        f->nr++;                        /* counted even if bad: freed with the rest */
        if (scan_setting(&s, st))
            return -1;
        for (unsigned int i = 0; i + 1 < f->nr; i++) {
            if (!strcmp(f->settings[i].key, st->key)) {
                hl_error(&st->pos, "%s is set twice (first at line %d)", st->key,
                         f->settings[i].pos.line);
                return -1;
            }
        }
    }
}

int xlcfg_read(const char *path, struct hl_file *f)
{
    FILE *fp = fopen(path, "rb");
    struct hl_pos pos = { path, 0, 0 };
    char *text;
    long n;
    int rc;

    memset(f, 0, sizeof(*f));
    f->path = path;
    if (!fp) {
        hl_error(&pos, "cannot open: %s", strerror(errno));
        return -1;
    }
    if (fseek(fp, 0, SEEK_END) || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) ||
        n > (1L << 20)) {
        hl_error(&pos, "cannot read (or larger than 1 MiB)");
        fclose(fp);
        return -1;
    }
    text = malloc((size_t)n + 1);
    if (!text || fread(text, 1, (size_t)n, fp) != (size_t)n) {
        hl_error(&pos, "cannot read: %s", strerror(errno));
        free(text);
        fclose(fp);
        return -1;
    }
    fclose(fp);
    text[n] = 0;
    if (strlen(text) != (size_t)n) {
        pos.line = 1;
        for (const char *p = text; p < text + strlen(text); p++)
            pos.line += *p == '\n';
        pos.col = 1;
        hl_error(&pos, "NUL byte in the file (not a text file?)");
        free(text);
        return -1;
    }
    rc = xlcfg_parse(path, text, f);
    free(text);
    return rc;
}

static void value_free(struct hl_value *v)
{
    for (unsigned int i = 0; i < v->nr_items; i++)
        value_free(&v->items[i]);
    free(v->items);
    free(v->text);
}

void xlcfg_free(struct hl_file *f)
{
    for (unsigned int i = 0; i < f->nr; i++) {
        free(f->settings[i].key);
        value_free(&f->settings[i].val);
    }
    free(f->settings);
    f->settings = NULL;
    f->nr = 0;
}
