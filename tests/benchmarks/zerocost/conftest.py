from tests.benchmarks.trained.test_trained import fashion  # noqa: F401  (Fashion-MNIST in Debian's layout)
