// Symbols that @jazzer.js/fuzzer 4.0.0's prebuilt addon imports from glibc 2.38 / libstdc++ 13 and
// that Debian 12 (glibc 2.36, libstdc++ 12) lacks. prepare.ts links the patched addon against this.
#include <cstdlib>
#include <ios>

// C23 variants differ from the classic ones only in also accepting a "0b" prefix in base 0/2,
// which the fuzzer's option parsing never relies on.
extern "C" long __isoc23_strtol(const char *s, char **end, int base) { return std::strtol(s, end, base); }
extern "C" unsigned long __isoc23_strtoul(const char *s, char **end, int base) { return std::strtoul(s, end, base); }

// libstdc++ 13 moved iostream start-up into this function; with libstdc++ 12 a static Init does it.
namespace std {
void ios_base_library_init() { static ios_base::Init init; }
}
