package io.simstream.bench;

/** One benchmark: measures a simstream figure and its ceiling in the same run. */
interface BenchCase {
  String name();

  CaseResult run(BenchStack stack, Scale scale) throws Exception;
}
