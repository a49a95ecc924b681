#ifndef OPTML_CLINEARALGEBRA_SHIM_H
#define OPTML_CLINEARALGEBRA_SHIM_H
// OpenBLAS's CBLAS interface (found through pkg-config "openblas") and LAPACKE from liblapacke-dev.
#include <cblas.h>
#include <lapacke.h>
// OpenBLAS thread control, declared in its cblas.h as well; repeated here for clarity of the API surface.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
#endif
