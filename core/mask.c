#include "config.h"
#include "core/mask.h"
#include "core/util.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

/* Shorter values would mask ordinary words; they are not secrets worth
 * the name and are refused at registration with a warning by the caller. */
#define MIN_SECRET 3

struct mask {
    strvec forms;
};

mask *mask_new(void)
{
    return xcalloc(1, sizeof(mask));
}

static void add_form(mask *m, const char *s)
{
    if (strlen(s) >= MIN_SECRET && !sv_contains(&m->forms, s))
        sv_push(&m->forms, xstrdup(s));
}

static char *base64(const char *s)
{
    size_t n = strlen(s);
    char *out = xmalloc(4 * ((n + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
    return out;
}

static char *urlencode(const char *s)
{
    strbuf b = {0};
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~", c))
            sb_putc(&b, (char)c);
        else
            sb_printf(&b, "%%%02X", c);
    }
    return sb_steal(&b);
}

static void add_forms(mask *m, const char *secret)
{
    add_form(m, secret);
    char *b = base64(secret);
    /* Base64 of the secret embedded in a longer string (HTTP Basic
     * "user:secret") shifts alignment; the unpadded stem still catches the
     * common case of the secret encoded alone. */
    add_form(m, b);
    char *eq = strchr(b, '=');
    if (eq && eq - b >= 8) {
        *eq = '\0';
        add_form(m, b);
    }
    free(b);
    char *u = urlencode(secret);
    add_form(m, u);
    for (char *p = u; *p; p++) /* lower-case hex variant */
        if (p[0] == '%' && p[1] && p[2]) {
            p[1] = (char)(p[1] >= 'A' && p[1] <= 'F' ? p[1] + 32 : p[1]);
            p[2] = (char)(p[2] >= 'A' && p[2] <= 'F' ? p[2] + 32 : p[2]);
        }
    add_form(m, u);
    free(u);
}

void mask_add(mask *m, const char *secret)
{
    if (!secret || strlen(secret) < MIN_SECRET)
        return;
    add_forms(m, secret);
    /* Output is masked line by line: a secret of several lines (a PEM
     * key) is masked by each of its lines, as GitHub Actions does. */
    if (!strchr(secret, '\n'))
        return;
    char *copy = xstrdup(secret);
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t n = strlen(line);
        if (n && line[n - 1] == '\r')
            line[--n] = '\0';
        if (n >= MIN_SECRET)
            add_forms(m, line);
    }
    free(copy);
}

size_t mask_count(const mask *m)
{
    return m ? m->forms.n : 0;
}

/* Length of the longest form matching at buf[i] (0: none); *partial set
 * when buf ends inside what may still become a form. */
static size_t match_at(const mask *m, const char *buf, size_t len, size_t i, int *partial)
{
    size_t best = 0;
    *partial = 0;
    for (size_t k = 0; m && k < m->forms.n; k++) {
        const char *f = m->forms.v[k];
        if (f[0] != buf[i])
            continue;
        size_t fl = strlen(f);
        if (fl <= len - i) {
            if (fl > best && memcmp(buf + i, f, fl) == 0)
                best = fl;
        } else if (memcmp(buf + i, f, len - i) == 0) {
            *partial = 1;
        }
    }
    return best;
}

char *mask_apply(const mask *m, const char *buf, size_t len, size_t *outlen)
{
    strbuf out = {0};
    size_t i = 0;
    while (i < len) {
        int partial;
        size_t best = match_at(m, buf, len, i, &partial);
        if (best) {
            sb_puts(&out, "***");
            i += best;
        } else {
            sb_add(&out, buf + i, 1);
            i++;
        }
    }
    if (outlen)
        *outlen = out.len;
    return sb_steal(&out);
}

size_t mask_safe_cut(const mask *m, const char *buf, size_t len, size_t limit)
{
    if (limit >= len)
        return len;
    size_t i = 0;
    while (i < limit) {
        int partial;
        size_t best = match_at(m, buf, len, i, &partial);
        if (partial || (best && i + best > limit))
            return i ? i : limit;
        i += best ? best : 1;
    }
    return limit;
}

void mask_free(mask *m)
{
    if (!m)
        return;
    sv_free(&m->forms);
    free(m);
}
