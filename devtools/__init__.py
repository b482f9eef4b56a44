"""Developer tools outside the runtime path: training the shipped models, evaluation and benchmarks."""
