// cxxhello — the `hello` example written in C++17, to show that the plugin
// ABI is plain C and language-neutral: the same <s2nbuild/plugin.h>, the
// same extern "C" entry point, the same host table.  Inside, the plugin is
// free to use the standard library; two rules keep the boundary safe:
//
//   - no C++ exception may cross into the host: every callback catches
//     everything and turns it into an s2n_result;
//   - the descriptor and the option table are constant-initialised
//     (constexpr), so loading the library runs no code, as the ABI asks.
//
// Build (one line):
//   c++ $(pkg-config --cflags s2nbuild-plugin) -std=c++17 -shared -fPIC
//       -fvisibility=hidden -o s2n-cxxhello.so hello.cpp
#include <s2nbuild/plugin.h>

#include <exception>
#include <fstream>
#include <string>
#include <vector>

namespace {

constexpr const char *moods[] = {"cheerful", "formal", nullptr};

// C++17 has no designated initialisers: members in declaration order
// (name, kind, flags, default_value, help, choices).
constexpr s2n_option options[] = {
    {"names", S2N_KIND_LIST, S2N_OPT_REQUIRED, nullptr, "who to greet (a list)", nullptr},
    {"mood", S2N_KIND_STRING, S2N_OPT_ENUM, "cheerful", "how to greet", moods},
    {"uppercase", S2N_KIND_BOOL, 0, "false", "write the names in capitals", nullptr},
    {nullptr, 0, 0, nullptr, nullptr, nullptr},
};

std::string greeting_for(const std::string &mood, std::string name, bool upper)
{
    if (upper)
        for (char &c : name)
            if (c >= 'a' && c <= 'z')
                c = static_cast<char>(c - 'a' + 'A');
    return (mood == "formal" ? "Good day, " : "Hi, ") + name + (mood == "formal" ? "." : "!");
}

int validate(s2n_stage *st, const s2n_host *h) noexcept
{
    const s2n_value *names = h->option(st, "names");
    for (size_t i = 0; i < h->value_len(names); i++) {
        const char *s = h->value_str(h->value_at(names, i));
        if (!s || !*s) {
            h->error(st, "names", "name %zu is empty or not a string", i + 1);
            return S2N_ERROR;
        }
    }
    return S2N_OK;
}

int run(s2n_stage *st, const s2n_host *h) noexcept
{
    try {
        const s2n_value *names = h->option(st, "names");
        const std::string mood = h->opt_string(st, "mood");
        int upper = 0;
        h->opt_bool(st, "uppercase", &upper);

        std::vector<std::string> lines;
        for (size_t i = 0; i < h->value_len(names); i++)
            lines.push_back(greeting_for(mood, h->value_str(h->value_at(names, i)), upper != 0));

        // A spawned process, as in the C example: through the host.
        const char *argv[] = {"uname", "-s", nullptr};
        s2n_spawn spec{};
        spec.struct_size = sizeof spec;
        spec.argv = argv;
        spec.flags = S2N_SPAWN_CAPTURE;
        char *out = nullptr;
        size_t len = 0;
        if (h->spawn(st, &spec, &out, &len) == 0 && out)
            h->log(st, S2N_LOG_INFO, "running on %.*s", static_cast<int>(len ? len - 1 : 0), out);

        const std::string path = std::string(h->stage_dir(st)) + "/greetings.txt";
        std::ofstream file(path);
        for (const std::string &line : lines)
            file << line << '\n';
        file.close();
        if (!file) {
            h->set_message(st, "cannot write %s", path.c_str());
            return S2N_ERROR;
        }
        if (h->add_artifact(st, path.c_str(), "text") != 0)
            return S2N_ERROR;
        h->set_message(st, "greeted %zu name(s), %s", lines.size(), mood.c_str());
        return S2N_OK;
    } catch (const std::exception &e) {
        // Never let an exception unwind into the C host.
        h->set_message(st, "internal error: %s", e.what());
        return S2N_ERROR;
    } catch (...) {
        h->set_message(st, "internal error");
        return S2N_ERROR;
    }
}

constexpr s2n_plugin make_descriptor()
{
    s2n_plugin p{};
    p.magic = S2N_PLUGIN_MAGIC;
    p.struct_size = sizeof(s2n_plugin);
    p.abi_major = S2N_ABI_MAJOR;
    p.abi_minor = S2N_ABI_MINOR;
    p.min_host_minor = 0;
    p.option_size = sizeof(s2n_option);
    p.type = "cxxhello"; // the file must be called s2n-cxxhello.so
    p.version = "1.0.0";
    p.summary = "greet a list of names (example plugin in C++17)";
    p.options = options;
    p.validate = validate;
    p.run = run;
    return p;
}

constexpr s2n_plugin descriptor = make_descriptor();

} // namespace

extern "C" const s2n_plugin *s2n_plugin_entry(unsigned host_major, unsigned host_minor)
{
    (void)host_major;
    (void)host_minor;
    return &descriptor;
}
