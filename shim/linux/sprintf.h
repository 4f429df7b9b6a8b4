/* Host shim */
#include <stdio.h>
