/* Includes cmocka needs before it, in the order it needs them. */
#ifndef CERTM3_CMOCKA_ALL_H
#define CERTM3_CMOCKA_ALL_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#endif
