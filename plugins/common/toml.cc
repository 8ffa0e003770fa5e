// C interface over toml++ 3 (see toml.h).  The document keeps the parsed
// table; nodes handed to C are plain pointers into it.  Table members are
// reached by index by walking the (sorted) table: pyproject tables are
// small, so the O(n) step is cheaper than keeping an index.
#include "toml.h"

#include <toml++/toml.h>

#include <cstdio>
#include <cstring>
#include <iterator>
#include <memory>
#include <new>
#include <string>

struct s2n_toml {
    toml::table root;
};

static const toml::node *as_node(const s2n_toml_node *n)
{
    return reinterpret_cast<const toml::node *>(n);
}

static const s2n_toml_node *as_c(const toml::node *n)
{
    return reinterpret_cast<const s2n_toml_node *>(n);
}

extern "C" s2n_toml *s2n_toml_parse_file(const char *path, char *err, size_t errcap)
{
    try {
        std::unique_ptr<s2n_toml> doc(new s2n_toml);
        doc->root = toml::parse_file(path);
        return doc.release();
    } catch (const toml::parse_error &e) {
        const auto &b = e.source().begin;
        std::snprintf(err, errcap, "%s:%u:%u: %.*s", path, (unsigned)b.line, (unsigned)b.column,
                      (int)e.description().size(), e.description().data());
    } catch (const std::bad_alloc &) {
        std::snprintf(err, errcap, "%s: out of memory", path);
    } catch (const std::exception &e) {
        std::snprintf(err, errcap, "%s: %s", path, e.what());
    }
    return nullptr;
}

extern "C" void s2n_toml_free(s2n_toml *doc)
{
    delete doc;
}

extern "C" const s2n_toml_node *s2n_toml_root(const s2n_toml *doc)
{
    return doc ? as_c(&doc->root) : nullptr;
}

extern "C" const s2n_toml_node *s2n_toml_get(const s2n_toml_node *table, const char *key)
{
    if (!table || !key)
        return nullptr;
    const toml::table *t = as_node(table)->as_table();
    if (!t)
        return nullptr;
    return as_c(t->get(std::string_view(key)));
}

extern "C" const s2n_toml_node *s2n_toml_path(const s2n_toml_node *table, const char *dotted)
{
    const s2n_toml_node *n = table;
    std::string key;
    for (const char *p = dotted;; p++) {
        if (*p == '.' || *p == '\0') {
            n = s2n_toml_get(n, key.c_str());
            if (!n || *p == '\0')
                return n;
            key.clear();
        } else {
            key += *p;
        }
    }
}

extern "C" s2n_toml_type s2n_toml_type_of(const s2n_toml_node *n)
{
    if (!n)
        return S2N_TOML_NONE;
    switch (as_node(n)->type()) {
    case toml::node_type::table: return S2N_TOML_TABLE;
    case toml::node_type::array: return S2N_TOML_ARRAY;
    case toml::node_type::string: return S2N_TOML_STRING;
    case toml::node_type::integer: return S2N_TOML_INTEGER;
    case toml::node_type::floating_point: return S2N_TOML_FLOAT;
    case toml::node_type::boolean: return S2N_TOML_BOOL;
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time: return S2N_TOML_DATETIME;
    default: return S2N_TOML_NONE;
    }
}

extern "C" const char *s2n_toml_type_name(const s2n_toml_node *n)
{
    static const char *const names[] = {"nothing", "table", "array", "string",
                                        "integer", "float", "boolean", "date/time"};
    return names[s2n_toml_type_of(n)];
}

extern "C" const char *s2n_toml_str(const s2n_toml_node *n)
{
    if (!n)
        return nullptr;
    const toml::value<std::string> *v = as_node(n)->as_string();
    return v ? v->get().c_str() : nullptr;
}

extern "C" int s2n_toml_bool(const s2n_toml_node *n, int *out)
{
    if (!n)
        return -1;
    const toml::value<bool> *v = as_node(n)->as_boolean();
    if (!v)
        return -1;
    *out = v->get() ? 1 : 0;
    return 0;
}

static toml::table::const_iterator table_nth(const toml::table *t, size_t i)
{
    auto it = t->begin();
    std::advance(it, (std::ptrdiff_t)i);
    return it;
}

extern "C" size_t s2n_toml_len(const s2n_toml_node *n)
{
    if (!n)
        return 0;
    if (const toml::array *a = as_node(n)->as_array())
        return a->size();
    if (const toml::table *t = as_node(n)->as_table())
        return t->size();
    return 0;
}

extern "C" const s2n_toml_node *s2n_toml_at(const s2n_toml_node *n, size_t i)
{
    if (!n)
        return nullptr;
    if (const toml::array *a = as_node(n)->as_array())
        return i < a->size() ? as_c(a->get(i)) : nullptr;
    if (const toml::table *t = as_node(n)->as_table()) {
        return i < t->size() ? as_c(&table_nth(t, i)->second) : nullptr;
    }
    return nullptr;
}

extern "C" const char *s2n_toml_key_at(const s2n_toml_node *n, size_t i)
{
    if (!n)
        return nullptr;
    if (const toml::table *t = as_node(n)->as_table()) {
        return i < t->size() ? table_nth(t, i)->first.str().data() : nullptr;
    }
    return nullptr;
}

extern "C" void s2n_toml_where(const s2n_toml_node *n, char *buf, size_t cap)
{
    if (cap == 0)
        return;
    buf[0] = '\0';
    if (!n)
        return;
    const auto &b = as_node(n)->source().begin;
    if (b.line)
        std::snprintf(buf, cap, "%u:%u", (unsigned)b.line, (unsigned)b.column);
}
