#include "CKernels.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int optml_configure_allocator(int64_t map_threshold, int64_t trim_threshold) {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, (int)map_threshold) == 1 && mallopt(M_TRIM_THRESHOLD, (int)trim_threshold) == 1;
#else
    (void)map_threshold;
    (void)trim_threshold;
    return 0;
#endif
}
