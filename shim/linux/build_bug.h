/* Host shim: static_assert() is C11 <assert.h>. */
#include <assert.h>
