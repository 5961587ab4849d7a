#pragma once
// The CPU's threads as the engine's parallel loops see them (OpenMP), in one place: one thread where
// the build has no OpenMP (a web page).
namespace attnlab {

int max_threads();   // the threads a parallel loop will use
int team_size();     // inside a parallel region: its threads
int thread_index();  // inside a parallel region: this thread's number, 0 to team_size() − 1

}  // namespace attnlab
