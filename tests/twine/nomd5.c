/*
 * Preloaded into s2nbuild by tests/twine/fips.sh: OpenSSL refuses to fetch
 * MD5, as it does in FIPS mode (Debian ships no FIPS provider to test with
 * the real thing).  Every other algorithm is fetched as usual.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <openssl/evp.h>
#include <strings.h>

EVP_MD *EVP_MD_fetch(OSSL_LIB_CTX *ctx, const char *algorithm, const char *properties)
{
    static EVP_MD *(*real)(OSSL_LIB_CTX *, const char *, const char *);
    if (algorithm && strcasecmp(algorithm, "MD5") == 0)
        return NULL;
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "EVP_MD_fetch");
    return real ? real(ctx, algorithm, properties) : NULL;
}
