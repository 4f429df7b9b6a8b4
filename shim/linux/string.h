/* Host shim */
#include <string.h>
