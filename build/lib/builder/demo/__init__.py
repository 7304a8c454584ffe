"""A synthetic programme of any size in the data layout (`dap demo`), for trying and benchmarking."""
