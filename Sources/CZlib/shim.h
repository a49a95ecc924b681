#ifndef OPTML_CZLIB_SHIM_H
#define OPTML_CZLIB_SHIM_H
#include <zlib.h>
#endif
