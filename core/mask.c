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

void mask_add(mask *m, const char *secret)
{
    if (!secret || strlen(secret) < MIN_SECRET)
        return;
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

size_t mask_count(const mask *m)
{
    return m ? m->forms.n : 0;
}

char *mask_apply(const mask *m, const char *buf, size_t len, size_t *outlen)
{
    strbuf out = {0};
    size_t i = 0;
    while (i < len) {
        size_t best = 0;
        if (m)
            for (size_t k = 0; k < m->forms.n; k++) {
                if (m->forms.v[k][0] != buf[i])
                    continue;
                size_t fl = strlen(m->forms.v[k]);
                if (fl > best && fl <= len - i && memcmp(buf + i, m->forms.v[k], fl) == 0)
                    best = fl;
            }
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

void mask_free(mask *m)
{
    if (!m)
        return;
    sv_free(&m->forms);
    free(m);
}
