/* baton/baton.h: the umbrella header of baton's public C API. */
#ifndef BATON_BATON_H
#define BATON_BATON_H

#include "baton/assign.h"
#include "baton/error.h"
#include "baton/host.h"
#include "baton/store.h"

/* The version of the baton library, e.g. "0.1.0". */
const char *baton_version(void);

#endif
