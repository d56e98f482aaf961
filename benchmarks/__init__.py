"""Speed, memory and topic-quality benchmarks: run ``python -m benchmarks`` (or ``make bench``)."""
