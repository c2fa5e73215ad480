/* hyperlaunch(1): see hyperlaunch.c and docs/man/hyperlaunch.1.md. */
#include "hyperlaunch.h"

int main(int argc, char **argv)
{
    return hl_main(argc, argv);
}
