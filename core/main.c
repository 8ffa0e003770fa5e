#include <stdio.h>
extern const char s2n_version[];
int main(void) { printf("s2nbuild %s\n", s2n_version); return 0; }
