/* core/store/copy.h: the internals of baton_store_copy (copy.c) that the
 * tests reach: a hook between the copy and its verification, so a test
 * can change the target where only the checksums would notice.
 * Layer: store. */
#ifndef BATON_STORE_COPY_H
#define BATON_STORE_COPY_H

#include "store_int.h"

/* baton_store_copy with `tamper(to, ud)` called after every row is
 * written to `to` and before the verification reads it back (NULL: not
 * called). A non-zero result from tamper fails the copy with that code. */
int baton__store_copy(baton_store_t *from, baton_store_t *to, baton_copy_cb cb,
                      void *ud, int (*tamper)(baton_store_t *to, void *ud),
                      void *tamper_ud);

/* baton_store_replace with the same hook. */
int baton__store_replace(baton_store_t *from, baton_store_t *to,
                         baton_replace_cb may, void *may_ud,
                         int (*tamper)(baton_store_t *to, void *ud),
                         void *tamper_ud);

#endif
