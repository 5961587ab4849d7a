#include "core/base/threads.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace attnlab {

#ifdef _OPENMP
int max_threads() {
  return omp_get_max_threads();
}
int team_size() {
  return omp_get_num_threads();
}
int thread_index() {
  return omp_get_thread_num();
}
#else
int max_threads() {
  return 1;
}
int team_size() {
  return 1;
}
int thread_index() {
  return 0;
}
#endif

}  // namespace attnlab
