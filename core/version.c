#include "config.h"
const char s2n_version[] = PACKAGE_VERSION;
