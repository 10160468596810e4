#include <stdio.h>
#include "util.h"

/* Adds two numbers. */
int add(int a, int b) {
    return a + b;
}

int main(void) {
    struct ops o;
    for (int i = 0; i < 3; i++) {
        if (i == 1) {
            printf("%d\n", add(i, 2));
        }
    }
    o.run(1);
    return 0;
}

struct ops {
    void (*run)(int);
};

enum mode { FAST, SLOW };

double __NTH (half (double x)) { return x / 2; }
