/* A mistake on purpose (tests/layers/check_symbols.sh): code of the base
 * layer calling the runtime, above it, through a declaration of its own
 * (which no include path stops). The symbol check must name it. */
struct baton_host_s;
int baton__host_fail(struct baton_host_s *h, int err, const char *fmt, ...);

int layercheck_base_calls_runtime(struct baton_host_s *h) {
  return baton__host_fail(h, -1, "%s", "up");
}
