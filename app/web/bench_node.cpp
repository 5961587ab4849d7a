// The web build's engine timed under node, as `attnlab bench --backend cpu` times the native one: the full
// trace of a seeded random problem, one warm-up and then the median of --repeat runs, in ms. Built on
// demand (scripts/web.sh bench), for the README's comparison of WebAssembly and native speed.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "core/attention/cpu_backend.hpp"
#include "core/inputs/input.hpp"

int main(int argc, char** argv) {
  using namespace attnlab;
  const long length = argc > 1 ? std::atol(argv[1]) : 512, dk = argc > 2 ? std::atol(argv[2]) : 64;
  const int repeat = argc > 3 ? std::atoi(argv[3]) : 10;
  InputOptions input;  // `--random --lq L --lk L --dk dk --dv dk`
  input.random = true;
  input.lq = input.lk = length;
  input.dk = input.dv = dk;
  const Problem problem = load_problem(input);
  CpuBackend cpu;
  Trace trace;
  cpu.compute(problem, trace);
  std::vector<double> ms;
  for (int i = 0; i < repeat; ++i) {
    const auto start = std::chrono::steady_clock::now();
    cpu.compute(problem, trace);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  std::cout << "L=" << length << " dk=" << dk << " median " << ms[ms.size() / 2] << " ms over " << repeat << " runs\n";
}
