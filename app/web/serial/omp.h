#pragma once
// The web build runs on one thread (a page without cross-origin isolation has no shared memory): the
// OpenMP calls of the CPU engine answer for one thread, and its pragmas are ignored.
inline int omp_get_max_threads() {
  return 1;
}
inline int omp_get_num_threads() {
  return 1;
}
inline int omp_get_thread_num() {
  return 0;
}
